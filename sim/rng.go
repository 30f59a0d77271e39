package sim

import "math/rand/v2"

// splitmix64 is the finalizer of Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators" (OOPSLA 2014); it maps consecutive inputs to well-mixed 64-bit outputs.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// StreamSeed derives the two 64-bit seeds of a component's PCG stream from the run's master seed
// and the component's stable name (FNV-1a hashed). Streams of different names are independent
// for practical purposes, and a component's stream does not depend on which other components exist.
func StreamSeed(seed uint64, name string) (uint64, uint64) {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	a := splitmix64(seed ^ splitmix64(h))
	b := splitmix64(a ^ h ^ 0x6a09e667f3bcc909)
	return a, b
}

// NewStream returns the seeded random stream of the component called name. It implements
// math/rand/v2.Source, so it can be handed to gonum distributions as their Src.
func NewStream(seed uint64, name string) *rand.PCG {
	a, b := StreamSeed(seed, name)
	return rand.NewPCG(a, b)
}
