/* render.h - turn a recipe + parameters into the ordered objects to apply.
 *
 * Rendering reads each artifact (artifact.h), splits it into objects
 * (List kinds are unpacked, like kubectl), renders the overlays (an overlay
 * object with the identity of an upstream object is merged on top of it:
 * mappings merge recursively, everything else is replaced), drops what the
 * recipe skips, assigns every object to the first phase whose selector
 * matches (an object matching no phase is an error, so nothing is lost
 * silently; an object whose phase is switched off by `when` is dropped),
 * orders them by phase (file order inside a phase) and labels them:
 *   app.kubernetes.io/managed-by: kurator
 *   kurator.dev/component: <component>
 *   kurator.dev/version: <version>
 * Nothing else in an upstream object is changed.
 *
 * Owner: backends/recipes/render.c. rplan owns its objects.
 */
#ifndef KURATOR_RECIPES_RENDER_H
#define KURATOR_RECIPES_RENDER_H

#include <jansson.h>

#include "backends/recipes/artifact.h"
#include "backends/recipes/recipe.h"
#include "lib/err.h"
#include "lib/strbuf.h"

#define KURATOR_LABEL_MANAGED_BY "app.kubernetes.io/managed-by"
#define KURATOR_LABEL_COMPONENT "kurator.dev/component"
#define KURATOR_LABEL_VERSION "kurator.dev/version"

struct robj {
	json_t *obj;            /* owned; labelled */
	char *source;           /* "volcano-development.yaml" or "overlay NAME" */
	int phase;              /* index into recipe->phases */
	char *key;              /* identity: "group/Kind/namespace/name" */
};

struct rplan {
	const struct recipe *recipe;  /* borrowed */
	json_t *params;               /* owned: resolved parameters */
	struct robj *objs;
	size_t n;
};

int recipe_render(const struct recipe *r, const json_t *params, const struct artifact_opts *ao,
		  struct rplan **out, struct kerr *err);
/* Same, from documents already in memory (tests): docs maps artifact file
 * name -> array of documents. */
int recipe_render_docs(const struct recipe *r, const json_t *params, const json_t *docs,
		       struct rplan **out, struct kerr *err);
void rplan_free(struct rplan *p);   /* NULL-safe */

/* "group/Kind/namespace/name" of an object (group "" for core). malloc'd. */
char *robj_key(const json_t *obj);
/* "Kind ns/name" or "Kind name" for messages, into buf. */
const char *robj_desc(const json_t *obj, char *buf, size_t size);
/* Does sel match obj (from source file)? */
int rselect_match(const struct rselect *sel, const json_t *obj, const char *file);

/* Split a parsed artifact into objects (List kinds unpacked): appends to
 * out. KERR_INVALID for documents that are not Kubernetes objects. */
int recipe_split_objects(const json_t *docs, const char *name, json_t *out, struct kerr *err);

#endif
