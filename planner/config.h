#ifndef PLANNER_CONFIG_H
#define PLANNER_CONFIG_H
/*
 * The YAML configuration (libyaml), as a tree read by dotted paths: "policy.max_spot_share",
 * "quotas.0.region" (sequence items by index). Any command reads any key it needs, so a new
 * key never means editing this file. Values are kept as the text written; the typed getters
 * convert and report "FILE:LINE: "KEY" ..." on a bad value.
 */
#include <stddef.h>

#include "util/err.h"

struct config;
struct config_node;

/* Loads path. ERR_INPUT with file and line when it is not valid YAML or not a mapping. */
int config_load(struct config **out, const char *path, struct err *e);
/*
 * Loads --config when given (must exist), else ./capplan.yaml, else
 * $XDG_CONFIG_HOME/capplan/capplan.yaml (or ~/.config/...), else an empty configuration.
 */
int config_open(struct config **out, const char *explicit_path, struct err *e);
/* An empty configuration (all defaults). */
int config_empty(struct config **out, struct err *e);
void config_free(struct config *c);
/* The file it came from, "" when none. */
const char *config_path(const struct config *c);
/*
 * What the file does that is allowed but likely a mistake (a key given twice: the last one
 * counts), as "FILE:LINE: ..."; "" when nothing. planner_config() prints it.
 */
const char *config_warning(const struct config *c);

/* The node at path, or NULL. path NULL or "" is the root. */
const struct config_node *config_get(const struct config *c, const char *path);
/* Relative lookup from a node. */
const struct config_node *config_node_get(const struct config_node *n, const char *path);
/*
 * How many lookups (config_get, config_node_get, config_node_at and the typed getters) have
 * found the node at path; 0 when absent. Lets whatif tell an assumption nothing read (a
 * misspelt key) from one that was.
 */
unsigned long config_reads(const struct config *c, const char *path);
/* A scalar's text, or NULL when n is NULL or not a scalar. */
const char *config_node_str(const struct config_node *n);
int config_node_is_seq(const struct config_node *n);
int config_node_is_map(const struct config_node *n);
/* Items of a sequence or entries of a mapping. */
size_t config_node_count(const struct config_node *n);
const struct config_node *config_node_at(const struct config_node *n, size_t i);
/* The key of a mapping entry, NULL for sequence items. */
const char *config_node_key(const struct config_node *n);
size_t config_node_line(const struct config_node *n);

/* Scalars by path: absent keys give def; a value of the wrong type is ERR_INPUT. */
const char *config_str(const struct config *c, const char *path, const char *def);
int config_double(const struct config *c, const char *path, double def, double *out,
		  struct err *e);
int config_long(const struct config *c, const char *path, long def, long *out, struct err *e);
int config_bool(const struct config *c, const char *path, int def, int *out, struct err *e);
/* Typed getters on a node (for items of a list). */
int config_node_double(const struct config *c, const struct config_node *n, const char *path,
		       double def, double *out, struct err *e);

/*
 * Sets a scalar at a dotted path, creating mappings on the way (what-if overrides,
 * command-line flags that win over the file). Sequence items cannot be created.
 */
int config_set(struct config *c, const char *path, const char *value, struct err *e);

/*
 * Appends a mapping item {kv[0]: kv[1], kv[2]: kv[3], ...} to the sequence at path, creating
 * the sequence when absent (what-if quotas: "quotas" gets {provider, region, gpus}).
 */
int config_seq_append(struct config *c, const char *path, const char *const *kv, size_t nkv,
		      struct err *e);

/* The commented default configuration `capplan init` writes. */
extern const char config_default_yaml[];

#endif
