/* The YAML configuration: libyaml's document loader, copied into a small tree. */
#include "planner/config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <yaml.h>

enum cfg_kind { CFG_SCALAR, CFG_MAP, CFG_SEQ };

struct config_node {
	enum cfg_kind kind;
	char *key;		/* for mapping entries */
	char *value;		/* for scalars */
	size_t line;
	struct config_node **kids;
	size_t nkids, cap;
	unsigned long reads;	/* lookups that found it (config_reads): bookkeeping, not data */
};

struct config {
	char *path;
	struct config_node *root;
	char warning[600];	/* the first key given twice, "" when none */
};

static void node_free(struct config_node *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->value);
	free(n);
}

static struct config_node *node_new(enum cfg_kind kind, size_t line)
{
	struct config_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->line = line;
	}
	return n;
}

static int node_add(struct config_node *parent, struct config_node *kid)
{
	if (parent->nkids == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct config_node **k = realloc(parent->kids, cap * sizeof(*k));

		if (k == NULL)
			return ERR_NOMEM;
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->nkids++] = kid;
	return 0;
}

/*
 * A configuration is a few dozen keys; a file that expands past this many nodes is an alias
 * bomb (nine lines of "&a [*b, *b, ...]" make hundreds of millions), refused before it takes
 * the machine's memory.
 */
#define CFG_MAX_NODES 100000
#define CFG_MAX_DEPTH 64

/* What a copy needs besides the node: the budget, the dotted path (for messages), the error. */
struct copy_ctx {
	yaml_document_t *doc;
	const char *file;
	size_t nodes;
	char path[512];
	struct err *e;
	int rc;			/* the error code once a copy failed */
	char warning[600];	/* the first key given twice */
};

struct key_at {
	const char *key;
	size_t i;
};

static int cmp_key_at(const void *a, const void *b)
{
	const struct key_at *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

/*
 * A key given twice in one mapping: YAML forbids it and which one the user meant is anybody's
 * guess, but the last one has always counted (configs are edited by appending an override),
 * so it still does and the first such key is kept for a warning. Sorted, so a mapping of
 * many keys stays cheap.
 */
static int check_duplicates(struct copy_ctx *x, const struct config_node *n)
{
	struct key_at *v;
	size_t i;

	if (n->nkids < 2 || x->warning[0])
		return 0;
	if ((v = calloc(n->nkids, sizeof(*v))) == NULL)
		return x->rc = err_nomem(x->e);
	for (i = 0; i < n->nkids; i++) {
		v[i].key = n->kids[i]->key;
		v[i].i = i;
	}
	qsort(v, n->nkids, sizeof(*v), cmp_key_at);
	for (i = 1; i < n->nkids && x->warning[0] == '\0'; i++)
		if (strcmp(v[i - 1].key, v[i].key) == 0)
			snprintf(x->warning, sizeof(x->warning), "%s:%zu: \"%s%s%s\" is given twice "
				 "(first at line %zu): the last one counts", x->file,
				 n->kids[v[i].i]->line, x->path, x->path[0] ? "." : "", v[i].key,
				 n->kids[v[i - 1].i]->line);
	free(v);
	return 0;
}

/*
 * Copies a libyaml document node into the tree; NULL with x->e set on failure (nested too
 * deep, too many nodes, a key that is not a scalar, out of memory).
 */
static struct config_node *copy_node(struct copy_ctx *x, yaml_node_t *y, int depth)
{
	struct config_node *n = NULL;
	size_t plen = strlen(x->path);

	if (y == NULL) {
		x->rc = err_set(x->e, ERR_INPUT, "%s: not a plain YAML document", x->file);
		return NULL;
	}
	if (depth > CFG_MAX_DEPTH) {
		x->rc = err_set(x->e, ERR_INPUT, "%s:%zu: nested deeper than %d levels", x->file,
				(size_t)y->start_mark.line + 1, CFG_MAX_DEPTH);
		return NULL;
	}
	if (++x->nodes > CFG_MAX_NODES) {
		x->rc = err_set(x->e, ERR_INPUT, "%s: more than %d keys and values (aliases "
				"expanding too far?)", x->file, CFG_MAX_NODES);
		return NULL;
	}
	switch (y->type) {
	case YAML_SCALAR_NODE:
		if ((n = node_new(CFG_SCALAR, y->start_mark.line + 1)) == NULL)
			goto nomem;
		n->value = strndup((const char *)y->data.scalar.value, y->data.scalar.length);
		if (n->value == NULL)
			goto nomem;
		/* a plain "~" or "null" is no value */
		if (y->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    (strcmp(n->value, "~") == 0 || strcmp(n->value, "null") == 0)) {
			n->value[0] = '\0';
		}
		return n;
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *it;
		size_t i = 0;

		if ((n = node_new(CFG_SEQ, y->start_mark.line + 1)) == NULL)
			goto nomem;
		for (it = y->data.sequence.items.start; it < y->data.sequence.items.top; it++) {
			struct config_node *k;

			snprintf(x->path + plen, sizeof(x->path) - plen, "%s%zu", plen ? "." : "",
				 i++);
			k = copy_node(x, yaml_document_get_node(x->doc, *it), depth + 1);
			x->path[plen] = '\0';
			if (k == NULL)
				goto fail;
			if (node_add(n, k) < 0) {
				node_free(k);
				goto nomem;
			}
		}
		return n;
	}
	case YAML_MAPPING_NODE: {
		yaml_node_pair_t *pr;

		if ((n = node_new(CFG_MAP, y->start_mark.line + 1)) == NULL)
			goto nomem;
		for (pr = y->data.mapping.pairs.start; pr < y->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(x->doc, pr->key);
			struct config_node *v;

			if (k == NULL || k->type != YAML_SCALAR_NODE) {
				x->rc = err_set(x->e, ERR_INPUT, "%s:%zu: a key that is not plain "
						"text", x->file,
						k ? (size_t)k->start_mark.line + 1 : n->line);
				goto fail;
			}
			snprintf(x->path + plen, sizeof(x->path) - plen, "%s%.*s", plen ? "." : "",
				 (int)k->data.scalar.length, (const char *)k->data.scalar.value);
			v = copy_node(x, yaml_document_get_node(x->doc, pr->value), depth + 1);
			x->path[plen] = '\0';
			if (v == NULL)
				goto fail;
			v->key = strndup((const char *)k->data.scalar.value, k->data.scalar.length);
			if (v->key == NULL || node_add(n, v) < 0) {
				node_free(v);
				goto nomem;
			}
		}
		if (check_duplicates(x, n) < 0)
			goto fail;
		return n;
	}
	default:
		x->rc = err_set(x->e, ERR_INPUT, "%s:%zu: not a plain YAML value", x->file,
				(size_t)y->start_mark.line + 1);
		return NULL;
	}
nomem:
	x->rc = err_nomem(x->e);
fail:
	node_free(n);
	return NULL;
}

int config_empty(struct config **out, struct err *e)
{
	struct config *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL || (c->path = strdup("")) == NULL ||
	    (c->root = node_new(CFG_MAP, 1)) == NULL) {
		config_free(c);
		return err_nomem(e);
	}
	*out = c;
	return 0;
}

int config_load(struct config **out, const char *path, struct err *e)
{
	int rc = 0;
	FILE *f = NULL;
	yaml_parser_t parser;
	yaml_document_t doc;
	int have_parser = 0, have_doc = 0;
	struct config *c = NULL;
	yaml_node_t *root;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL) {
		rc = err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		rc = err_nomem(e);
		goto out;
	}
	have_parser = 1;
	yaml_parser_set_input_file(&parser, f);
	errno = 0;
	if (!yaml_parser_load(&parser, &doc) && parser.error == YAML_READER_ERROR && ferror(f)) {
		/* libyaml says only "input error": a folder, an unreadable file */
		rc = err_set(e, ERR_INPUT, "%s: cannot read: %s", path,
			     errno ? strerror(errno) : "read error");
		goto out;
	} else if (parser.error != YAML_NO_ERROR) {
		rc = err_set(e, ERR_INPUT, "%s:%zu: %s%s%s", path,
			     (size_t)parser.problem_mark.line + 1,
			     parser.problem ? parser.problem : "not valid YAML",
			     parser.context ? " " : "", parser.context ? parser.context : "");
		goto out;
	}
	have_doc = 1;
	if ((rc = config_empty(&c, e)) < 0)
		goto out;
	free(c->path);
	if ((c->path = strdup(path)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	root = yaml_document_get_root_node(&doc);
	if (root != NULL) {		/* an empty file is an empty configuration */
		struct config_node *r;
		struct copy_ctx x;

		if (root->type != YAML_MAPPING_NODE) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: the configuration must be a mapping of keys",
				     path, (size_t)root->start_mark.line + 1);
			goto out;
		}
		memset(&x, 0, sizeof(x));
		x.doc = &doc;
		x.file = path;
		x.e = e;
		if ((r = copy_node(&x, root, 0)) == NULL) {
			rc = x.rc;
			goto out;
		}
		node_free(c->root);
		c->root = r;
		memcpy(c->warning, x.warning, sizeof(c->warning));
	}
	*out = c;
	c = NULL;
out:
	config_free(c);
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	if (f)
		fclose(f);
	return rc;
}

int config_open(struct config **out, const char *explicit_path, struct err *e)
{
	char path[4096];
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (explicit_path)
		return config_load(out, explicit_path, e);
	if (access("capplan.yaml", F_OK) == 0)
		return config_load(out, "capplan.yaml", e);
	if (xdg && *xdg)
		snprintf(path, sizeof(path), "%s/capplan/capplan.yaml", xdg);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.config/capplan/capplan.yaml", home);
	else
		path[0] = '\0';
	if (path[0] && access(path, F_OK) == 0)
		return config_load(out, path, e);
	return config_empty(out, e);
}

void config_free(struct config *c)
{
	if (c == NULL)
		return;
	node_free(c->root);
	free(c->path);
	free(c);
}

const char *config_path(const struct config *c)
{
	return c->path;
}

const char *config_warning(const struct config *c)
{
	return c->warning;
}

/* The node at a dotted path below n, without counting the lookup. */
static const struct config_node *find(const struct config_node *n, const char *path)
{
	const char *p = path;

	if (path == NULL)
		return n;
	while (n && *p) {
		size_t len = strcspn(p, ".");
		const struct config_node *next = NULL;
		size_t i;

		if (n->kind == CFG_MAP) {
			for (i = 0; i < n->nkids; i++)
				if (strlen(n->kids[i]->key) == len &&
				    memcmp(n->kids[i]->key, p, len) == 0)
					next = n->kids[i];	/* the last duplicate wins */
		} else if (n->kind == CFG_SEQ) {
			char *end;
			unsigned long idx = strtoul(p, &end, 10);

			if (end == p + len && idx < n->nkids)
				next = n->kids[idx];
		}
		n = next;
		p += len;
		if (*p == '.')
			p++;
	}
	return n;
}

/*
 * Lookups count on the node found (the tree's nodes are the config's own heap objects, so
 * the count is written through the const): config_reads() tells a key nothing read, such
 * as a misspelt what-if assumption, from one that was.
 */
static const struct config_node *counted(const struct config_node *n)
{
	if (n)
		((struct config_node *)n)->reads++;
	return n;
}

const struct config_node *config_node_get(const struct config_node *n, const char *path)
{
	return path && *path ? counted(find(n, path)) : n;
}

unsigned long config_reads(const struct config *c, const char *path)
{
	const struct config_node *n = find(c->root, path);

	return n ? n->reads : 0;
}

const struct config_node *config_get(const struct config *c, const char *path)
{
	return config_node_get(c->root, path);
}

const char *config_node_str(const struct config_node *n)
{
	return n && n->kind == CFG_SCALAR ? n->value : NULL;
}

int config_node_is_seq(const struct config_node *n)
{
	return n && n->kind == CFG_SEQ;
}

int config_node_is_map(const struct config_node *n)
{
	return n && n->kind == CFG_MAP;
}

size_t config_node_count(const struct config_node *n)
{
	return n && n->kind != CFG_SCALAR ? n->nkids : 0;
}

const struct config_node *config_node_at(const struct config_node *n, size_t i)
{
	return n && n->kind != CFG_SCALAR && i < n->nkids ? counted(n->kids[i]) : NULL;
}

const char *config_node_key(const struct config_node *n)
{
	return n ? n->key : NULL;
}

size_t config_node_line(const struct config_node *n)
{
	return n ? n->line : 0;
}

const char *config_str(const struct config *c, const char *path, const char *def)
{
	const char *s = config_node_str(config_get(c, path));

	return s && *s ? s : def;
}

static int parse_double(const struct config *c, const struct config_node *n, const char *path,
			double def, double *out, struct err *e)
{
	const char *s = config_node_str(n);
	char *end;
	double v;

	*out = def;
	if (n == NULL || (s && *s == '\0'))
		return 0;
	if (s == NULL)
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" must be a number, not a list or mapping",
			       c->path, n->line, path);
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is \"%s\", not a number", c->path,
			       n->line, path, s);
	*out = v;
	return 0;
}

int config_double(const struct config *c, const char *path, double def, double *out,
		  struct err *e)
{
	return parse_double(c, config_get(c, path), path, def, out, e);
}

int config_node_double(const struct config *c, const struct config_node *n, const char *path,
		       double def, double *out, struct err *e)
{
	return parse_double(c, config_node_get(n, path), path, def, out, e);
}

int config_long(const struct config *c, const char *path, long def, long *out, struct err *e)
{
	const struct config_node *n = config_get(c, path);
	const char *s = config_node_str(n);
	char *end;
	long v;

	*out = def;
	if (n == NULL || (s && *s == '\0'))
		return 0;
	if (s == NULL)
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" must be a whole number", c->path,
			       n->line, path);
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno == ERANGE)
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is \"%s\", not a whole number",
			       c->path, n->line, path, s);
	*out = v;
	return 0;
}

int config_bool(const struct config *c, const char *path, int def, int *out, struct err *e)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const struct config_node *n = config_get(c, path);
	const char *s = config_node_str(n);
	size_t i;

	*out = def;
	if (n == NULL || (s && *s == '\0'))
		return 0;
	for (i = 0; s && i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is \"%s\", not true or false", c->path,
		       n->line, path, s ? s : "a list or mapping");
}

int config_set(struct config *c, const char *path, const char *value, struct err *e)
{
	struct config_node *n = c->root, *next;
	const char *p = path;
	size_t len, i;

	for (;;) {
		len = strcspn(p, ".");
		if (len == 0)
			return err_set(e, ERR_INPUT, "\"%s\" is not a key path", path);
		if (n->kind != CFG_MAP)
			return err_set(e, ERR_INPUT, "cannot set \"%s\": \"%.*s\" is not a mapping",
				       path, (int)(p - path), path);
		next = NULL;
		for (i = 0; i < n->nkids; i++)
			if (strlen(n->kids[i]->key) == len && memcmp(n->kids[i]->key, p, len) == 0)
				next = n->kids[i];
		if (next == NULL) {
			next = node_new(p[len] ? CFG_MAP : CFG_SCALAR, 0);
			if (next == NULL || (next->key = strndup(p, len)) == NULL ||
			    node_add(n, next) < 0) {
				node_free(next);
				return err_nomem(e);
			}
		}
		if (p[len] == '\0')
			break;
		n = next;
		p += len + 1;
	}
	if (next->kind != CFG_SCALAR) {
		for (i = 0; i < next->nkids; i++)
			node_free(next->kids[i]);
		next->nkids = 0;
		next->kind = CFG_SCALAR;
	}
	free(next->value);
	if ((next->value = strdup(value)) == NULL)
		return err_nomem(e);
	return 0;
}

int config_seq_append(struct config *c, const char *path, const char *const *kv, size_t nkv,
		      struct err *e)
{
	struct config_node *seq = (struct config_node *)config_get(c, path), *item = NULL;
	size_t i;
	int rc;

	if (seq == NULL) {
		/* create it as a scalar through config_set (making the mappings on the way),
		 * then turn that node into an empty sequence */
		if ((rc = config_set(c, path, "", e)) < 0)
			return rc;
		seq = (struct config_node *)config_get(c, path);
		free(seq->value);
		seq->value = NULL;
		seq->kind = CFG_SEQ;
	}
	if (seq->kind != CFG_SEQ)
		return err_set(e, ERR_INPUT, "cannot add to \"%s\": it is not a list", path);
	if ((item = node_new(CFG_MAP, 0)) == NULL)
		return err_nomem(e);
	for (i = 0; i + 1 < nkv; i += 2) {
		struct config_node *v = node_new(CFG_SCALAR, 0);

		if (v == NULL || (v->key = strdup(kv[i])) == NULL ||
		    (v->value = strdup(kv[i + 1])) == NULL || node_add(item, v) < 0) {
			node_free(v);
			node_free(item);
			return err_nomem(e);
		}
	}
	if (node_add(seq, item) < 0) {
		node_free(item);
		return err_nomem(e);
	}
	return 0;
}
