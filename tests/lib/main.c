/* main.c - runs one group of lib unit tests (named on the command line)
 * or all of them. */
#include <string.h>

#include "tests/lib/t_lib.h"

static const struct {
	const char *name;
	int (*run)(void);
} groups[] = {
	{ "yaml", t_yaml },
	{ "jsonx", t_jsonx },
	{ "paths", t_paths },
	{ "log", t_log },
	{ "evq", t_evq },
};

int main(int argc, char **argv)
{
	int failed = 0, found = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(groups); i++) {
		if (argc > 1 && strcmp(argv[1], groups[i].name) != 0)
			continue;
		found = 1;
		failed += groups[i].run();
	}
	if (!found) {
		fprintf(stderr, "unknown test group %s\n", argv[1]);
		return 2;
	}
	return failed ? 1 : 0;
}
