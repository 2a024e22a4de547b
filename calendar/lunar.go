package calendar

import "math"

// This file computes the dates the statutory holidays hang on — the
// Chinese lunisolar new year, the fifth and eighth lunar months, and the
// Qingming solar term — from the positions of the Sun and the Moon, as the
// Chinese calendar (GB/T 33661-2017) defines them: a month begins on the
// Beijing date of a new moon; the month holding the winter solstice is the
// eleventh; in a year from solstice to solstice with thirteen new months,
// the first month holding no principal solar term (中气) is the leap month.
//
// Positions follow the series in J. Meeus, Astronomical Algorithms (2nd ed.):
// true new moons from chapter 49 (error well under a minute), the Sun's
// apparent longitude from chapter 25's short series (about 0.01°, i.e.
// about a quarter of an hour in the time of a solar term).

const (
	// jdUnixEpoch is the Julian date of 1970-01-01 00:00 UTC.
	jdUnixEpoch = 2440587.5
	// jdJ2000 is the Julian date of 2000-01-01 12:00 TT.
	jdJ2000 = 2451545.0
	// synodicMonth is the mean length of a lunation in days.
	synodicMonth = 29.530588861
	// newMoonEpoch is the Julian ephemeris date of mean new moon k = 0.
	newMoonEpoch = 2451550.09766
	// tropicalYear is the mean tropical year in days.
	tropicalYear = 365.2422
	rad          = math.Pi / 180
)

// deltaT approximates TT − UT in seconds for a decimal year, after the
// polynomial fits by Espenak and Meeus.
func deltaT(year float64) float64 {
	switch {
	case year >= 1986 && year < 2005:
		t := year - 2000
		return 63.86 + t*(0.3345+t*(-0.060374+t*(0.0017275+t*(0.000651814+t*0.00002373599))))
	case year >= 2005 && year < 2050:
		t := year - 2000
		return 62.92 + t*(0.32217+t*0.005589)
	case year >= 2050 && year < 2150:
		u := (year - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-year)
	default:
		u := (year - 1820) / 100
		return -20 + 32*u*u
	}
}

// ttToUT converts a Julian ephemeris date to a Julian date in UT.
func ttToUT(jde float64) float64 {
	year := 2000 + (jde-jdJ2000)/365.25
	return jde - deltaT(year)/secondsPerDay
}

// beijingDayOfJD is the Beijing date, as a day number, of the instant jd
// (a Julian date in UT).
func beijingDayOfJD(jd float64) int {
	return int(math.Floor(jd - jdUnixEpoch + float64(beijingOffset)/secondsPerDay))
}

// jdOfDay is the Julian date of 00:00 UTC of day number d.
func jdOfDay(d int) float64 {
	return float64(d) + jdUnixEpoch
}

// sinDeg is the sine of an angle in degrees.
func sinDeg(x float64) float64 { return math.Sin(x * rad) }

// newMoon is the Julian ephemeris date of true new moon number k, counted
// from the new moon of 2000-01-06.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2, t3, t4 := t*t, t*t*t, t*t*t*t
	jde := newMoonEpoch + synodicMonth*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4
	e := 1 - 0.002516*t - 0.0000074*t2
	m := 2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3
	mp := 201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4
	f := 160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4
	om := 124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3

	jde += -0.40720*sinDeg(mp) +
		0.17241*e*sinDeg(m) +
		0.01608*sinDeg(2*mp) +
		0.01039*sinDeg(2*f) +
		0.00739*e*sinDeg(mp-m) -
		0.00514*e*sinDeg(mp+m) +
		0.00208*e*e*sinDeg(2*m) -
		0.00111*sinDeg(mp-2*f) -
		0.00057*sinDeg(mp+2*f) +
		0.00056*e*sinDeg(2*mp+m) -
		0.00042*sinDeg(3*mp) +
		0.00042*e*sinDeg(m+2*f) +
		0.00038*e*sinDeg(m-2*f) -
		0.00024*e*sinDeg(2*mp-m) -
		0.00017*sinDeg(om) -
		0.00007*sinDeg(mp+2*m) +
		0.00004*sinDeg(2*mp-2*f) +
		0.00004*sinDeg(3*m) +
		0.00003*sinDeg(mp+m-2*f) +
		0.00003*sinDeg(2*mp+2*f) -
		0.00003*sinDeg(mp+m+2*f) +
		0.00003*sinDeg(mp-m+2*f) -
		0.00002*sinDeg(mp-m-2*f) -
		0.00002*sinDeg(3*mp+m) +
		0.00002*sinDeg(4*mp)

	// Planetary arguments.
	jde += 0.000325*sinDeg(299.77+0.107408*kf-0.009173*t2) +
		0.000165*sinDeg(251.88+0.016321*kf) +
		0.000164*sinDeg(251.83+26.651886*kf) +
		0.000126*sinDeg(349.42+36.412478*kf) +
		0.000110*sinDeg(84.66+18.206239*kf) +
		0.000062*sinDeg(141.74+53.303771*kf) +
		0.000060*sinDeg(207.14+2.453732*kf) +
		0.000056*sinDeg(154.84+7.306860*kf) +
		0.000047*sinDeg(34.52+27.261239*kf) +
		0.000042*sinDeg(207.19+0.121824*kf) +
		0.000040*sinDeg(291.34+1.844379*kf) +
		0.000037*sinDeg(161.72+24.198154*kf) +
		0.000035*sinDeg(239.56+25.513099*kf) +
		0.000023*sinDeg(331.55+3.592518*kf)
	return jde
}

// newMoonDay is the Beijing date of new moon k.
func newMoonDay(k int) int {
	return beijingDayOfJD(ttToUT(newMoon(k)))
}

// lastNewMoonOnOrBefore returns the number and Beijing date of the last new
// moon whose Beijing date is on or before day d.
func lastNewMoonOnOrBefore(d int) (k, day int) {
	k = int(math.Floor((jdOfDay(d) - newMoonEpoch) / synodicMonth))
	for newMoonDay(k) > d {
		k--
	}
	for newMoonDay(k+1) <= d {
		k++
	}
	return k, newMoonDay(k)
}

// sunLongitude is the Sun's apparent ecliptic longitude in degrees, in
// [0, 360), at Julian ephemeris date jde.
func sunLongitude(jde float64) float64 {
	t := (jde - jdJ2000) / 36525
	l0 := 280.46646 + t*(36000.76983+t*0.0003032)
	m := 357.52911 + t*(35999.05029-t*0.0001537)
	c := (1.914602-t*(0.004817+t*0.000014))*sinDeg(m) +
		(0.019993-0.000101*t)*sinDeg(2*m) +
		0.000289*sinDeg(3*m)
	om := 125.04 - 1934.136*t
	lambda := l0 + c - 0.00569 - 0.00478*sinDeg(om)
	lambda = math.Mod(lambda, 360)
	if lambda < 0 {
		lambda += 360
	}
	return lambda
}

// solarTermDay is the Beijing date on which the Sun's apparent longitude
// reaches angle degrees, for the crossing nearest to day number near.
func solarTermDay(near int, angle float64) int {
	jde := jdOfDay(near)
	for range 20 {
		diff := math.Mod(angle-sunLongitude(jde)+540, 360) - 180
		step := diff * tropicalYear / 360
		jde += step
		if math.Abs(step) < 1e-7 {
			break
		}
	}
	return beijingDayOfJD(ttToUT(jde))
}

// winterSolstice is the Beijing date of the December solstice of year y.
func winterSolstice(y int) int {
	return solarTermDay(dayFromCivil(y, 12, 21), 270)
}

// qingming is the Beijing date of the Qingming solar term (the Sun at
// longitude 15°) of year y.
func qingming(y int) int {
	return solarTermDay(dayFromCivil(y, 4, 5), 15)
}

// lunarDates holds, for one Gregorian year, the first days (Beijing dates)
// of the lunar months the statutory holidays hang on.
type lunarDates struct {
	// newYear is 正月初一 (Spring Festival); the day before is 除夕.
	newYear int
	// month5 is 五月初一; 端午 is 五月初五.
	month5 int
	// month8 is 八月初一; 中秋 is 八月十五.
	month8 int
}

// lunarYear computes the months of the lunar year that begins in
// Gregorian year y, from the winter solstice of y−1 to that of y.
func lunarYear(y int) lunarDates {
	w0, w1 := winterSolstice(y-1), winterSolstice(y)
	k0, _ := lastNewMoonOnOrBefore(w0)
	// starts[i] is the first day of the i-th month after the one holding
	// the solstice of y−1; the last entry begins the month after the one
	// holding the solstice of y.
	var starts []int
	for k := k0; ; k++ {
		d := newMoonDay(k)
		starts = append(starts, d)
		if d > w1 {
			break
		}
	}
	months := len(starts) - 2 // months from solstice month to the next solstice month, exclusive

	leap := -1
	if months == 13 {
		// Principal terms from the solstice of y−1 to that of y: 270°,
		// 300°, …, 240°, 270°.
		terms := make([]int, 13)
		for i := range terms {
			near := w0 + int(float64(i)*tropicalYear/12)
			terms[i] = solarTermDay(near, math.Mod(270+30*float64(i), 360))
		}
		for i := 0; i < 13 && leap < 0; i++ {
			has := false
			for _, t := range terms {
				if t >= starts[i] && t < starts[i+1] {
					has = true
					break
				}
			}
			if !has {
				leap = i
			}
		}
	}

	var out lunarDates
	num := 11
	for i := 1; i < len(starts)-1; i++ {
		if i == leap {
			continue
		}
		num = num%12 + 1
		switch num {
		case 1:
			if out.newYear == 0 {
				out.newYear = starts[i]
			}
		case 5:
			if out.month5 == 0 {
				out.month5 = starts[i]
			}
		case 8:
			if out.month8 == 0 {
				out.month8 = starts[i]
			}
		}
	}
	return out
}
