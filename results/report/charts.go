package report

import (
	"fmt"
	"math"
	"strconv"
)

// palette is the Okabe–Ito colour-blind-safe palette (M. Okabe & K. Ito, "Color Universal
// Design", 2008), black last.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"}

func color(i int) string { return palette[i%len(palette)] }

type tick struct {
	Pos   float64
	Label string
}

// shape is an SVG path: a line (Fill "none") or an area.
type shape struct {
	D, Stroke, Fill, Class, Title string
}

type rectShape struct {
	X, Y, W, H  float64
	Fill, Title string
}

type circle struct {
	X, Y, R             float64
	Fill, Stroke, Title string
}

type label struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
}

type legendItem struct {
	X, Y         float64
	Color, Label string
	Kind         string // line, band, dot, bar, or title (text only)
}

// chart is everything the template needs to draw one SVG chart; all coordinates are pixels.
type chart struct {
	ID, Title, Caption string
	W, H               float64
	L, T, R, B         float64 // the plot area: left, top, right, bottom
	XLabel, YLabel     string
	XTicks, YTicks     []tick
	YTicksR            []tick // a right-hand axis, if any
	YLabelR            string
	XCats              []label // category labels under the x axis
	Areas, Lines       []shape
	Rects              []rectShape
	Circles            []circle
	Texts              []label
	Legend             []legendItem
	Shift              float64 // the plot's offset below extra legend rows
}

// YLabelX is where the rotated y-axis title goes.
func (c *chart) YLabelX() float64 { return 16 }

// YLabelY is the vertical middle of the plot area.
func (c *chart) YLabelY() float64 { return (c.T + c.B) / 2 }

// YLabelRX is where the rotated right-hand y-axis title goes.
func (c *chart) YLabelRX() float64 { return c.W - 10 }

// XLabelY is the baseline of the x-axis title.
func (c *chart) XLabelY() float64 { return c.B + 40 }

// XLabelX is the horizontal middle of the plot area.
func (c *chart) XLabelX() float64 { return (c.L + c.R) / 2 }

func newChart(id, title, caption string) *chart {
	const w, h = 720, 340
	return &chart{ID: id, Title: title, Caption: caption, W: w, H: h, L: 72, T: 34, R: w - 24, B: h - 48}
}

func (c *chart) xScale(lo, hi float64) scale { return niceScale(lo, hi, 8, c.L, c.R) }
func (c *chart) yScale(lo, hi float64) scale { return niceScale(lo, hi, 6, c.B, c.T) }

func (c *chart) axes(x, y *scale) {
	if x != nil {
		c.XTicks = x.ticks()
	}
	if y != nil {
		c.YTicks = y.ticks()
	}
}

// legend lays out items left to right above the plot area, in rows as wide as the chart; rows
// beyond the first move the plot down (Shift) and make the chart taller.
func (c *chart) legend(items ...legendItem) {
	x, y := c.L, 14.0
	for _, it := range items {
		w := 46 + 7.2*float64(len([]rune(it.Label)))
		if it.Kind == "title" {
			w -= 28
		}
		if x+w > c.W-8 && x > c.L {
			x, y = c.L, y+18
		}
		it.X, it.Y = px(x), y
		c.Legend = append(c.Legend, it)
		x += w
	}
	c.Shift = y - 14
	c.H += c.Shift
}

// series is a piecewise-constant function: value V[i] over [T0[i], T1[i]).
type series struct {
	T0, T1, V []float64
}

// stepPath draws s as horizontal segments joined by vertical ones; a gap between intervals
// (or a non-finite value) breaks the line.
func stepPath(s series, x, y scale) string {
	var p pathBuilder
	prev := math.NaN()
	for i := range s.V {
		v := s.V[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			prev = math.NaN()
			continue
		}
		if s.T0[i] != prev {
			p.moveTo(x.at(s.T0[i]), y.at(v))
		} else {
			p.lineTo(x.at(s.T0[i]), y.at(v))
		}
		p.lineTo(x.at(s.T1[i]), y.at(v))
		prev = s.T1[i]
	}
	return p.String()
}

// bandPath draws the area between the step functions lo and hi (same intervals).
func bandPath(t0, t1, lo, hi []float64, x, y scale) string {
	var p pathBuilder
	n := len(t0)
	if n == 0 {
		return ""
	}
	for i := 0; i < n; i++ {
		p.lineTo(x.at(t0[i]), y.at(hi[i]))
		p.lineTo(x.at(t1[i]), y.at(hi[i]))
	}
	for i := n - 1; i >= 0; i-- {
		p.lineTo(x.at(t1[i]), y.at(lo[i]))
		p.lineTo(x.at(t0[i]), y.at(lo[i]))
	}
	p.close()
	return p.String()
}

// timeChart is a chart over simulated time [0, end] s with the time axis in a readable unit.
func timeChart(id, title, caption string, end float64) (*chart, scale, float64) {
	c := newChart(id, title, caption)
	unit, div := timeUnit(end)
	xt := tightScale(0, end/div, 7, c.L, c.R) // ticks labelled in the unit
	c.XTicks = xt.ticks()
	c.XLabel = "simulated time (" + unit + ")"
	x := scale{Lo: xt.Lo * div, Hi: xt.Hi * div, P0: xt.P0, P1: xt.P1, Step: xt.Step * div} // maps seconds
	return c, x, div
}

// lineSeries is one named step series of a time chart.
type lineSeries struct {
	Name string
	S    series
}

// stepChart draws step series over time with a y axis from 0 to at least yMax (0 for auto).
func stepChart(id, title, caption, yLabel string, end, yMax float64, ls []lineSeries) *chart {
	c, x, _ := timeChart(id, title, caption, end)
	hi := yMax
	for _, l := range ls {
		for _, v := range l.S.V {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				hi = max(hi, v)
			}
		}
	}
	y := c.yScale(0, hi)
	c.axes(nil, &y)
	c.YLabel = yLabel
	var items []legendItem
	for i, l := range ls {
		c.Lines = append(c.Lines, shape{D: stepPath(l.S, x, y), Stroke: color(i), Fill: "none", Title: l.Name})
		items = append(items, legendItem{Color: color(i), Label: l.Name, Kind: "line"})
	}
	if len(ls) > 1 {
		c.legend(items...)
	}
	return c
}

// queueChart draws the queue length: the bucket means as a line over the min–max band.
func queueChart(bs []stepBucket, end float64) *chart {
	c, x, _ := timeChart("queue", "Queue length over time",
		"Jobs submitted and not yet started (first task start), exact from jobs.arrow; line: time-weighted mean per bucket, band: minimum to maximum within the bucket.", end)
	hi := 0.0
	t0, t1, lo, up, mean := make([]float64, len(bs)), make([]float64, len(bs)), make([]float64, len(bs)), make([]float64, len(bs)), make([]float64, len(bs))
	for i, b := range bs {
		t0[i], t1[i], lo[i], up[i], mean[i] = b.T0, b.T1, b.Min, b.Max, b.Mean
		hi = max(hi, b.Max)
	}
	y := c.yScale(0, hi)
	c.axes(nil, &y)
	c.YLabel = "jobs waiting"
	c.Areas = append(c.Areas, shape{D: bandPath(t0, t1, lo, up, x, y), Fill: color(5), Class: "band", Title: "min–max per bucket"})
	c.Lines = append(c.Lines, shape{D: stepPath(series{t0, t1, mean}, x, y), Stroke: color(0), Fill: "none", Title: "mean per bucket"})
	c.legend(legendItem{Color: color(0), Label: "mean", Kind: "line"}, legendItem{Color: color(5), Label: "min–max", Kind: "band"})
	return c
}

// histChart draws the wait-time histogram (share of started jobs per bin, left axis) and its
// cumulative distribution (right axis, 0–100 %); the zero bin stands apart on the left and is
// cut off, with its value written on it, when it is much taller than the other bins.
func histChart(h *waitHist) *chart {
	c := newChart("waits", "Wait-time distribution",
		fmt.Sprintf("Queueing delay (wait_s) of the %d started jobs, %d logarithmic bins per decade; bars: share of jobs per bin (left axis), line: cumulative share (right axis, exact at bin edges).", h.total, binsPerDecade))
	c.R = c.W - 64
	c.YLabel = "share of started jobs per bin (%)"
	c.YLabelR = "cumulative share (%)"
	c.XLabel = "wait (s, logarithmic)"
	yc := scale{Lo: 0, Hi: 100, P0: c.B, P1: c.T, Step: 20}
	c.YTicksR = yc.ticks()
	if h.total == 0 {
		y := c.yScale(0, 1)
		c.axes(nil, &y)
		c.Texts = append(c.Texts, label{X: (c.L + c.R) / 2, Y: (c.T + c.B) / 2, Text: "no job started", Anchor: "middle"})
		return c
	}
	pct := func(n int64) float64 { return 100 * float64(n) / float64(h.total) }
	first, last := -1, -1
	top := 0.0
	for i, n := range h.counts {
		if n > 0 {
			if first < 0 {
				first = i
			}
			last = i
			top = max(top, pct(n))
		}
	}
	if top == 0 || pct(h.zero) <= 2*top {
		top = max(top, pct(h.zero))
	}
	y := c.yScale(0, top)
	c.axes(nil, &y)
	// Whole decades from the first to the last non-empty bin (at least one decade).
	d0, d1 := 0, 1
	if first >= 0 {
		d0 = first / binsPerDecade
		d1 = max(last/binsPerDecade+1, d0+1)
	}
	lo, hi := d0*binsPerDecade, min(d1*binsPerDecade, len(h.counts))
	// Layout: the zero bar in [L, L+zw), a gap, then the log axis.
	zw := 28.0
	x0 := c.L + zw + 14
	x := scale{Lo: float64(d0 + histMinExp), Hi: float64(d1 + histMinExp), P0: x0, P1: c.R}
	zy := y.at(min(pct(h.zero), y.Hi))
	c.Rects = append(c.Rects, rectShape{X: px(c.L + 2), Y: px(zy), W: zw - 4, H: px(c.B - zy),
		Fill: color(2), Title: fmt.Sprintf("0 s: %d jobs (%s%%)", h.zero, fmtNum(pct(h.zero)))})
	if pct(h.zero) > y.Hi {
		c.Texts = append(c.Texts, label{X: px(c.L + zw/2), Y: px(c.T + 14), Text: fmtNum(math.Round(pct(h.zero)*10)/10) + "%", Anchor: "start"})
	}
	c.XTicks = append(c.XTicks, tick{Pos: px(c.L + zw/2), Label: "0"})
	for d := d0; d <= d1; d++ {
		c.XTicks = append(c.XTicks, tick{Pos: px(x.at(float64(d + histMinExp))), Label: decadeLabel(d + histMinExp)})
	}
	bw := (c.R - x0) / float64(hi-lo)
	var cdf pathBuilder
	cum := h.zero
	cdf.moveTo(c.L+zw/2, yc.at(pct(cum)))
	cdf.lineTo(x0, yc.at(pct(cum)))
	for i := lo; i < hi; i++ {
		n := h.counts[i]
		bx := x0 + float64(i-lo)*bw
		if n > 0 {
			upper := "∞"
			if i+1 < len(histEdges) {
				upper = fmtNum(histEdges[i+1]) + " s"
			}
			c.Rects = append(c.Rects, rectShape{X: px(bx + 0.5), Y: px(y.at(pct(n))), W: px(bw - 1), H: px(c.B - y.at(pct(n))),
				Fill: color(0), Title: fmt.Sprintf("%s s – %s: %d jobs (%s%%)", fmtNum(histEdges[i]), upper, n, fmtNum(pct(n)))})
		}
		cum += n
		cdf.lineTo(bx+bw, yc.at(pct(cum)))
	}
	c.Lines = append(c.Lines, shape{D: cdf.String(), Stroke: color(1), Fill: "none", Title: "cumulative share"})
	c.legend(legendItem{Color: color(0), Label: "share per bin", Kind: "bar"},
		legendItem{Color: color(2), Label: "zero wait", Kind: "bar"},
		legendItem{Color: color(1), Label: "cumulative", Kind: "line"})
	return c
}

// decadeLabel writes 10^e compactly: 0.001 … 1000, then 1e4, 1e5, ….
func decadeLabel(e int) string {
	if e >= -3 && e <= 3 {
		return strconv.FormatFloat(math.Pow(10, float64(e)), 'f', -1, 64)
	}
	return "1e" + strconv.Itoa(e)
}

// point is one run in the trade-off scatter.
type point struct {
	X, Y  float64
	Group int
	Title string
}

// scatterChart plots cost against SLO-violation rate, one dot per run coloured by group, and
// joins the Pareto front (both minimized) by a staircase.
func scatterChart(pts []point, front []int, groups []string, groupKey string) *chart {
	c := newChart("tradeoff", "Cost vs SLO violations",
		"One dot per run; the outlined dots joined by the staircase are the Pareto front (no other run has both a lower or equal cost and a lower or equal SLO-violation rate, one of them strictly).")
	c.XLabel = "SLO-violation rate (% of submitted jobs)"
	c.YLabel = "cost (USD)"
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		if ok(p.X) && ok(p.Y) {
			xlo, xhi, ylo, yhi = min(xlo, p.X), max(xhi, p.X), min(ylo, p.Y), max(yhi, p.Y)
		}
	}
	if math.IsInf(xlo, 1) {
		xlo, xhi, ylo, yhi = 0, 1, 0, 1
	}
	x := c.xScale(min(0, xlo), xhi)
	y := c.yScale(ylo, yhi)
	c.axes(&x, &y)
	onFront := make(map[int]bool, len(front))
	for _, i := range front {
		onFront[i] = true
	}
	if len(front) > 0 {
		var p pathBuilder
		for k, i := range front {
			if k > 0 {
				p.lineTo(x.at(pts[i].X), y.at(pts[front[k-1]].Y))
			}
			p.lineTo(x.at(pts[i].X), y.at(pts[i].Y))
		}
		c.Lines = append(c.Lines, shape{D: p.String(), Stroke: "#444444", Fill: "none", Class: "front", Title: "Pareto front"})
	}
	for i, p := range pts {
		if !ok(p.X) || !ok(p.Y) {
			continue
		}
		cc := circle{X: px(x.at(p.X)), Y: px(y.at(p.Y)), R: 4, Fill: color(p.Group), Stroke: "none", Title: p.Title}
		if onFront[i] {
			cc.R, cc.Stroke = 5.5, "#000000"
			cc.Title += " (Pareto front)"
		}
		c.Circles = append(c.Circles, cc)
	}
	items := []legendItem{{Label: groupKey + ":", Kind: "title"}}
	for i, g := range groups {
		items = append(items, legendItem{Color: color(i), Label: g, Kind: "dot"})
	}
	if len(front) > 0 {
		items = append(items, legendItem{Color: "#444444", Label: "Pareto front", Kind: "line"})
	}
	c.legend(items...)
	return c
}

func ok(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// boxChart draws one Tukey box per group (see tukeyBox).
func boxChart(id, title, yLabel string, groups []string, groupKey string, vals [][]float64) *chart {
	c := newChart(id, title, "")
	c.YLabel = yLabel
	c.XLabel = groupKey
	type gb struct {
		b  boxStats
		ok bool
	}
	bs := make([]gb, len(groups))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range groups {
		b, ok := tukeyBox(vals[i])
		bs[i] = gb{b, ok}
		if ok {
			lo, hi = min(lo, b.Min), max(hi, b.Max)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0, 1
	}
	y := c.yScale(lo, hi)
	c.axes(nil, &y)
	n := float64(max(len(groups), 1))
	slot := (c.R - c.L) / n
	bw := min(slot*0.5, 60)
	for i, g := range groups {
		cx := c.L + slot*(float64(i)+0.5)
		c.XCats = append(c.XCats, label{X: px(cx), Y: c.B + 18, Text: truncate(g, int(slot/7)), Anchor: "middle"})
		if !bs[i].ok {
			continue
		}
		b := bs[i].b
		col := color(i)
		tip := fmt.Sprintf("%s = %s: n %d, min %s, Q1 %s, median %s, Q3 %s, max %s", groupKey, g, b.N,
			fmtNum(b.Min), fmtNum(b.Q1), fmtNum(b.Median), fmtNum(b.Q3), fmtNum(b.Max))
		var w pathBuilder // whiskers with caps
		w.moveTo(cx, y.at(b.WhiskLo))
		w.lineTo(cx, y.at(b.Q1))
		w.moveTo(cx, y.at(b.Q3))
		w.lineTo(cx, y.at(b.WhiskHi))
		w.moveTo(cx-bw/4, y.at(b.WhiskLo))
		w.lineTo(cx+bw/4, y.at(b.WhiskLo))
		w.moveTo(cx-bw/4, y.at(b.WhiskHi))
		w.lineTo(cx+bw/4, y.at(b.WhiskHi))
		c.Lines = append(c.Lines, shape{D: w.String(), Stroke: "#333333", Fill: "none", Title: tip})
		top, bot := y.at(b.Q3), y.at(b.Q1)
		c.Rects = append(c.Rects, rectShape{X: px(cx - bw/2), Y: px(top), W: px(bw), H: px(max(bot-top, 1)), Fill: col, Title: tip})
		var m pathBuilder
		m.moveTo(cx-bw/2, y.at(b.Median))
		m.lineTo(cx+bw/2, y.at(b.Median))
		c.Lines = append(c.Lines, shape{D: m.String(), Stroke: "#000000", Fill: "none", Class: "median", Title: tip})
		for _, o := range b.Outliers {
			c.Circles = append(c.Circles, circle{X: px(cx), Y: px(y.at(o)), R: 3, Fill: "none", Stroke: col,
				Title: fmt.Sprintf("%s = %s: outlier %s", groupKey, g, fmtNum(o))})
		}
	}
	return c
}

// truncate shortens s to at most n runes (with an ellipsis).
func truncate(s string, n int) string {
	r := []rune(s)
	if n < 2 {
		n = 2
	}
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
