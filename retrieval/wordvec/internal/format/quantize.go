package format

import "math"

// Quantize stores v in dst as int8 values scaled so that the largest
// magnitude is 127, rounding half away from zero, and returns the scale
// that makes scale × dst a unit vector (0 for an all-zero v). It uses only
// correctly rounded operations, so its result is the same on every
// platform.
func Quantize(v []float32, dst []int8) float32 {
	var maxAbs float32
	for _, x := range v {
		maxAbs = max(maxAbs, float32(math.Abs(float64(x))))
	}
	var sum int64
	for i, x := range v {
		q := int8(0)
		if maxAbs > 0 {
			q = int8(math.Round(float64(x) / float64(maxAbs) * 127))
		}
		dst[i] = q
		sum += int64(q) * int64(q)
	}
	if sum == 0 {
		return 0
	}
	return float32(1 / math.Sqrt(float64(sum)))
}
