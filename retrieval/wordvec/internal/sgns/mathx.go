package sgns

import "math"

// splitmix is the SplitMix64 generator (Steele, Lea and Flood 2014).
type splitmix uint64

func (s *splitmix) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// sqrt is math.Sqrt, which IEEE 754 requires to be correctly rounded.
func sqrt(x float64) float64 { return math.Sqrt(x) }

// The logistic function is read from a table over [-maxExp, maxExp], as in
// word2vec; beyond it the gradient is taken as saturated.
const (
	sigmoidSize = 1000
	maxExp      = 6
)

// fillSigmoid fills t with the logistic function at sigmoidSize points
// evenly spaced over [-maxExp, maxExp), using exp below rather than
// math.Exp, whose assembly versions may differ in the last bit by
// platform.
func fillSigmoid(t *[sigmoidSize]float32) {
	for i := range t {
		x := (float64(i)/sigmoidSize*2 - 1) * maxExp
		e := exp(x)
		t[i] = float32(e / (e + 1))
	}
}

// sigmoid returns the logistic function of x from the table, saturating at
// 0 and 1 outside [-maxExp, maxExp].
func (t *trainer) sigmoid(x float32) float32 {
	switch {
	case x >= maxExp:
		return 1
	case x <= -maxExp:
		return 0
	}
	return t.sigmoidT[min(int((x+maxExp)*(sigmoidSize/maxExp/2)), sigmoidSize-1)]
}

// exp returns e^x for |x| ≤ 6 to within a few ulps by a Taylor series of
// e^(x/1024) squared ten times, with every product rounded explicitly so
// that no multiply-add is fused: the result is the same on every platform.
func exp(x float64) float64 {
	r := x / 1024
	sum, term := 1.0, 1.0
	for k := 1; k <= 12; k++ {
		term = float64(term*r) / float64(k)
		sum += term
	}
	for range 10 {
		sum = float64(sum * sum)
	}
	return sum
}
