#include "util/tm.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's method). */
int64_t tm_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void tm_to_civil(int64_t days, int *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int tm_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int tm_days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : dm[m - 1];
}

int tm_parse(const char *s, int64_t *out)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;

	while (*p == ' ')
		p++;
	if (tm_digits(&p, 4, &y) < 0 || *p++ != '-' || tm_digits(&p, 2, &mo) < 0 ||
	    *p++ != '-' || tm_digits(&p, 2, &d) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > tm_days_in_month(y, mo))
		return -1;
	if (*p == 'T' || *p == 't' || (*p == ' ' && isdigit((unsigned char)p[1]))) {
		p++;
		if (tm_digits(&p, 2, &h) < 0 || *p++ != ':' || tm_digits(&p, 2, &mi) < 0)
			return -1;
		if (*p == ':') {
			p++;
			if (tm_digits(&p, 2, &sec) < 0)
				return -1;
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return -1;
				while (isdigit((unsigned char)*p))
					p++;	/* fractions of a second are dropped */
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (tm_digits(&p, 2, &oh) < 0)
			return -1;
		if (*p == ':')
			p++;
		if (*p && tm_digits(&p, 2, &om) < 0)
			return -1;
	} else if (strncmp(p, " UTC", 4) == 0) {
		p += 4;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0')
		return -1;
	*out = tm_from_civil(y, mo, d) * TM_DAY + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60);
	return 0;
}

void tm_format(int64_t t, char out[TM_ISO_LEN])
{
	int64_t days = t >= 0 ? t / TM_DAY : -((-t + TM_DAY - 1) / TM_DAY);
	int64_t rem = t - days * TM_DAY;
	int y, m, d;

	tm_to_civil(days, &y, &m, &d);
	snprintf(out, TM_ISO_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
}

void tm_format_date(int64_t t, char out[TM_ISO_LEN])
{
	tm_format(t, out);
	out[10] = '\0';
}

int64_t tm_floor_hour(int64_t t)
{
	int64_t q = t / TM_HOUR;

	if (t % TM_HOUR < 0)
		q--;
	return q * TM_HOUR;
}

int64_t tm_week_start(int64_t t)
{
	int64_t days = t >= 0 ? t / TM_DAY : -((-t + TM_DAY - 1) / TM_DAY);
	int64_t wd = ((days % 7) + 7 + 3) % 7;	/* 1970-01-01 was a Thursday: Monday = 0 */

	return (days - wd) * TM_DAY;
}

/* Monday of ISO week 1 of year y: the week holding 4 January. */
static int64_t tm_isoweek1(int y)
{
	return tm_week_start(tm_from_civil(y, 1, 4) * TM_DAY);
}

int tm_parse_isoweek(const char *s, int64_t *out)
{
	const char *p = s;
	int y, w;
	int64_t start;

	if (tm_digits(&p, 4, &y) < 0 || *p++ != '-' || (*p != 'W' && *p != 'w'))
		return -1;
	p++;
	if (tm_digits(&p, 2, &w) < 0 || *p != '\0' || w < 1)
		return -1;
	start = tm_isoweek1(y) + (int64_t)(w - 1) * 7 * TM_DAY;
	if (start >= tm_isoweek1(y + 1))
		return -1;	/* week 53 of a year that has 52 */
	*out = start;
	return 0;
}

void tm_format_isoweek(int64_t t, char out[TM_ISO_LEN])
{
	int64_t mon = tm_week_start(t);
	int y, m, d;

	/* the ISO year is the year of the week's Thursday */
	tm_to_civil(mon / TM_DAY + 3, &y, &m, &d);
	snprintf(out, TM_ISO_LEN, "%04d-W%02d", y, (int)((mon - tm_isoweek1(y)) / (7 * TM_DAY)) + 1);
}

int64_t tm_now(void)
{
	const char *s = getenv("CAPPLAN_NOW");
	int64_t t;

	if (s && *s && tm_parse(s, &t) == 0)
		return t;
	return (int64_t)time(NULL);
}
