package forecast

import "math"

// Nelder–Mead coefficients: reflection ρ, expansion χ, contraction ψ, shrink σ, the standard
// choice of J. C. Lagarias, J. A. Reeds, M. H. Wright & P. E. Wright, "Convergence properties
// of the Nelder–Mead simplex method in low dimensions", SIAM J. Optim. 9(1), 1998.
const (
	nmReflect  = 1.0
	nmExpand   = 2.0
	nmContract = 0.5
	nmShrink   = 0.5
)

// nelderMead minimises f from x0 (the problems here have 1 to 3 dimensions) and returns the
// best vertex and its value. The initial simplex is x0 and x0 + step·e_i. It stops after
// maxEvals evaluations of f, or when the values at the vertices differ by at most fTol and
// the simplex spans at most xTol in every coordinate. Each step follows Lagarias et al.
// (1998), ties broken by vertex order, so the result is deterministic. gonum's
// optimize.NelderMead is the same method, but importing gonum/optimize pulls in
// golang.org/x/tools (through stat/distmv), which this module does not require.
func nelderMead(f func([]float64) float64, x0 []float64, step float64, maxEvals int, fTol, xTol float64) ([]float64, float64) {
	n := len(x0)
	v := make([][]float64, n+1)
	fv := make([]float64, n+1)
	for i := range v {
		v[i] = make([]float64, n)
		copy(v[i], x0)
		if i > 0 {
			v[i][i-1] += step
		}
		fv[i] = f(v[i])
	}
	evals := n + 1
	c := make([]float64, n)
	xr := make([]float64, n)
	xe := make([]float64, n)
	point := func(dst []float64, coef float64, from []float64) { // dst = c + coef·(from − c)
		for j := range dst {
			dst[j] = c[j] + coef*(from[j]-c[j])
		}
	}
	replaceWorst := func(x []float64, fx float64) {
		copy(v[n], x)
		fv[n] = fx
	}
	for {
		// Insertion sort by value; stable, so equal values keep their order.
		for i := 1; i <= n; i++ {
			for j := i; j > 0 && fv[j] < fv[j-1]; j-- {
				v[j], v[j-1] = v[j-1], v[j]
				fv[j], fv[j-1] = fv[j-1], fv[j]
			}
		}
		if evals >= maxEvals || converged(v, fv, fTol, xTol) {
			return v[0], fv[0]
		}
		for j := range c {
			s := 0.0
			for i := 0; i < n; i++ {
				s += v[i][j]
			}
			c[j] = s / float64(n)
		}
		point(xr, -nmReflect, v[n])
		fr := f(xr)
		evals++
		switch {
		case fr < fv[0]:
			point(xe, nmExpand, xr)
			fe := f(xe)
			evals++
			if fe < fr {
				replaceWorst(xe, fe)
			} else {
				replaceWorst(xr, fr)
			}
			continue
		case fr < fv[n-1]:
			replaceWorst(xr, fr)
			continue
		case fr < fv[n]: // outside contraction
			point(xe, nmContract, xr)
			fc := f(xe)
			evals++
			if fc <= fr {
				replaceWorst(xe, fc)
				continue
			}
		default: // inside contraction
			point(xe, nmContract, v[n])
			fc := f(xe)
			evals++
			if fc < fv[n] {
				replaceWorst(xe, fc)
				continue
			}
		}
		// Shrink towards the best vertex.
		for i := 1; i <= n; i++ {
			for j := range v[i] {
				v[i][j] = v[0][j] + nmShrink*(v[i][j]-v[0][j])
			}
			fv[i] = f(v[i])
			evals++
		}
	}
}

// converged reports whether the sorted simplex is flat within fTol and small within xTol.
func converged(v [][]float64, fv []float64, fTol, xTol float64) bool {
	n := len(fv) - 1
	if !(fv[n]-fv[0] <= fTol) {
		return false
	}
	for j := range v[0] {
		for i := 1; i <= n; i++ {
			if math.Abs(v[i][j]-v[0][j]) > xTol {
				return false
			}
		}
	}
	return true
}
