#ifndef UTIL_TM_H
#define UTIL_TM_H
/* UTC time as seconds since the epoch, ISO 8601 in and out. No time zones, no locale. */
#include <stdint.h>

#define TM_HOUR 3600
#define TM_DAY 86400
#define TM_ISO_LEN 32

/*
 * Parses "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z", "+00:00", " UTC" or nothing
 * (taken as UTC), a space instead of the "T", or a date alone ("YYYY-MM-DD", midnight).
 * Other offsets (+02:00) are applied. Returns 0, or -1 when s is not such a time.
 */
int tm_parse(const char *s, int64_t *out);
/* Parses an ISO week "YYYY-Www" into the Monday 00:00 UTC that starts it. */
int tm_parse_isoweek(const char *s, int64_t *out);
/* Writes "YYYY-MM-DDTHH:MM:SSZ". */
void tm_format(int64_t t, char out[TM_ISO_LEN]);
/* Writes "YYYY-MM-DD". */
void tm_format_date(int64_t t, char out[TM_ISO_LEN]);
/* Writes "YYYY-Www" of the ISO week holding t. */
void tm_format_isoweek(int64_t t, char out[TM_ISO_LEN]);
int64_t tm_from_civil(int y, int m, int d);
/* Floors t to the hour (also for negative times). */
int64_t tm_floor_hour(int64_t t);
/* The Monday 00:00 UTC of t's ISO week. */
int64_t tm_week_start(int64_t t);
/* Now, or $CAPPLAN_NOW when set (an ISO time: tests and reproducible runs use it). */
int64_t tm_now(void);

#endif
