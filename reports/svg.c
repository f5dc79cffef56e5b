/*
 * Inline SVG charts for the HTML report. Drawn as plain shapes with fixed sizes so that a
 * browser needs no script to show them; every label is escaped, and long ones cut to fit.
 */
#include "reports/reports.h"
#include "reports/rp.h"
#include "util/tm.h"

#include <math.h>
#include <string.h>

#define W 760.0
#define H 260.0
#define ML 60.0
#define MR 16.0
#define MT 30.0
#define MB 36.0

static const char *const type_colors[REPORTS_NTYPES] = { "#3b6ea5", "#e39b2d", "#b5473a" };

void reports_html_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* A label cut to at most max bytes on a UTF-8 character boundary, escaped. */
static void label(FILE *f, const char *s, size_t max)
{
	char buf[256];
	size_t n = strlen(s);

	if (max >= sizeof(buf) - 4)
		max = sizeof(buf) - 4;
	if (n <= max) {
		reports_html_escape(f, s);
		return;
	}
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	reports_html_escape(f, buf);
}

static double nice_max(double v)
{
	double p, m;

	if (!(v > 0))
		return 1;
	p = pow(10, floor(log10(v)));
	m = v / p;
	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

static void frame(FILE *f, const char *cls, const char *title, double ymax, const char *unit)
{
	int i;

	fprintf(f, "<svg class=\"chart %s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		   "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\"><title>", cls, W, H, W, H);
	label(f, title, 120);
	fprintf(f, "</title><rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>", W, H);
	fprintf(f, "<text x=\"%.0f\" y=\"18\" font-size=\"13\" font-weight=\"bold\">", ML);
	label(f, title, 90);
	fprintf(f, "</text>");
	for (i = 0; i <= 4; i++) {
		double y = MT + (H - MT - MB) * (1 - i / 4.0);

		fprintf(f, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			   "<text x=\"%.0f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%.4g%s</text>",
			ML, W - MR, y, y, ML - 4, y + 3, ymax * i / 4, i == 4 ? unit : "");
	}
}

static double px(size_t i, size_t n)
{
	return ML + (W - ML - MR) * ((double)i + 0.5) / (double)(n ? n : 1);
}

static double py(double v, double ymax)
{
	return MT + (H - MT - MB) * (1 - fmin(v, ymax) / ymax);
}

/* A band between lo and hi, one polygon per run of hours where both are known. */
static void band(FILE *f, const double *lo, const double *hi, size_t n, double ymax,
		 const char *fill)
{
	size_t i = 0, j, k;

	while (i < n) {
		if (isnan(lo[i]) || isnan(hi[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && !isnan(lo[j]) && !isnan(hi[j]); j++)
			;
		fprintf(f, "<polygon fill=\"%s\" stroke=\"none\" points=\"", fill);
		for (k = i; k < j; k++)
			fprintf(f, "%.1f,%.1f ", px(k, n), py(hi[k], ymax));
		for (k = j; k-- > i;)
			fprintf(f, "%.1f,%.1f ", px(k, n), py(lo[k], ymax));
		fprintf(f, "\"/>");
		i = j;
	}
}

static void line(FILE *f, const double *v, size_t n, double ymax, const char *stroke,
		 const char *extra)
{
	size_t i = 0, j, k;

	while (i < n) {
		if (isnan(v[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && !isnan(v[j]); j++)
			;
		fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" %s points=\"", stroke, extra);
		for (k = i; k < j; k++)
			fprintf(f, "%.1f,%.1f ", px(k, n), py(v[k], ymax));
		fprintf(f, "\"/>");
		i = j;
	}
}

static void legend(FILE *f, double x, const char *color, const char *name)
{
	fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
		   "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">%s</text>", x, H - 14, color,
		x + 14, H - 5, name);
}

void rp_svg_band(FILE *f, const struct rp_chart *c, const double *actual, const double *p10,
		 const double *p90, const double *lo95, const double *hi95, const double *mean,
		 const double *reserved, size_t split)
{
	double ymax = 0;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const double v[5] = { actual[i], p90[i], hi95[i], mean[i], reserved[i] };
		size_t k;

		for (k = 0; k < 5; k++)
			if (!isnan(v[k]))
				ymax = fmax(ymax, v[k]);
	}
	ymax = c->ymax > 0 ? c->ymax : nice_max(ymax * 1.05);
	frame(f, "chart-band", c->title, ymax, c->y_label);
	band(f, lo95, hi95, c->n, ymax, "#cfe0f3");
	band(f, p10, p90, c->n, ymax, "#93b8e0");
	line(f, mean, c->n, ymax, "#1f4e85", "stroke-dasharray=\"4 3\" stroke-width=\"1.2\"");
	line(f, reserved, c->n, ymax, "#2e7d32", "stroke-width=\"1.5\"");
	line(f, actual, c->n, ymax, "#111", "stroke-width=\"1.6\"");
	for (i = 0; i <= c->n; i += 24) {
		char d[TM_ISO_LEN];
		double x = ML + (W - ML - MR) * (double)i / (double)c->n;

		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"%s\"/>",
			x, x, MT, H - MB, i == split ? "#555" : "#eee");
		if (i < c->n) {
			tm_format_date(c->start + (int64_t)i * TM_HOUR, d);
			fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"9\">%s</text>", x + 2,
				H - MB + 11, d + 5);
		}
	}
	legend(f, ML, "#111", "real usage");
	legend(f, ML + 100, "#1f4e85", "forecast mean");
	legend(f, ML + 220, "#93b8e0", "80% band");
	legend(f, ML + 310, "#cfe0f3", "95% band");
	legend(f, ML + 400, "#2e7d32", "reserved GPUs");
	fprintf(f, "</svg>\n");
}

void rp_svg_stacked(FILE *f, const char *title, const int64_t *days, size_t ndays,
		    const double (*v)[REPORTS_NTYPES])
{
	double ymax = 0, bw = (W - ML - MR) / (double)(ndays ? ndays : 1) * 0.7;
	size_t i;
	int k;

	for (i = 0; i < ndays; i++)
		ymax = fmax(ymax, v[i][0] + v[i][1] + v[i][2]);
	ymax = nice_max(ymax * 1.05);
	frame(f, "chart-stacked", title, ymax, " USD");
	for (i = 0; i < ndays; i++) {
		char d[TM_ISO_LEN];
		double base = 0, x = px(i, ndays) - bw / 2;

		for (k = 0; k < REPORTS_NTYPES; k++) {
			double y0 = py(base, ymax), y1 = py(base + v[i][k], ymax);

			if (v[i][k] > 0)
				fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
					   "fill=\"%s\"><title>%s %.2f USD</title></rect>", x, y1, bw,
					y0 - y1, type_colors[k], rp_type_names[k], v[i][k]);
			base += v[i][k];
		}
		tm_format_date(days[i], d);
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"9\" text-anchor=\"middle\">%s"
			   "</text>", px(i, ndays), H - MB + 11, d + 5);
	}
	for (k = 0; k < REPORTS_NTYPES; k++)
		legend(f, ML + 110.0 * k, type_colors[k], rp_type_names[k]);
	fprintf(f, "</svg>\n");
}

void rp_svg_bars(FILE *f, const char *title, const char *const *labels, const double *a,
		 const double *b, const char *a_name, const char *b_name, size_t n)
{
	double h = MT + 34.0 * (double)n + 30, x0 = 170, x1 = W - 60;
	size_t i;

	fprintf(f, "<svg class=\"chart chart-bars\" xmlns=\"http://www.w3.org/2000/svg\" "
		   "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\"><title>", W, h,
		W, h);
	label(f, title, 120);
	fprintf(f, "</title><rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>"
		   "<text x=\"%.0f\" y=\"18\" font-size=\"13\" font-weight=\"bold\">", W, h, ML);
	label(f, title, 90);
	fprintf(f, "</text>");
	for (i = 0; i < n; i++) {
		double y = MT + 34.0 * (double)i;
		int k;

		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
			x0 - 6, y + 17);
		label(f, labels[i], 24);
		fprintf(f, "</text>");
		for (k = 0; k < 2; k++) {
			double v = k ? b[i] : a[i], yy = y + 3 + 13.0 * k;

			fprintf(f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"11\" fill=\"#eee\"/>",
				x0, yy, x1 - x0);
			if (!isnan(v))
				fprintf(f, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"11\" "
					   "fill=\"%s\"/>", x0, yy, (x1 - x0) * fmin(1, fmax(0, v)),
					k ? "#7aa95c" : "#3b6ea5");
			fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"10\">", x1 + 4, yy + 9);
			if (isnan(v))
				fprintf(f, "n/a");
			else
				fprintf(f, "%.0f%%", 100 * v);
			fprintf(f, "</text>");
		}
	}
	fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"#3b6ea5\"/>"
		   "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">%s</text>", x0, h - 20, x0 + 14, h - 11,
		a_name);
	fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"#7aa95c\"/>"
		   "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">%s</text>", x0 + 200, h - 20, x0 + 214,
		h - 11, b_name);
	fprintf(f, "</svg>\n");
}
