package main

// 'dcsim merge' lives in sweep.go, beside 'dcsim sweep'.
