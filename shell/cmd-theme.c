/* cmd-theme.c - `theme [NAME]`: list the colour themes, or switch to one
 * (live in the TUI) and remember it for the next start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/paths.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "shell/cmd.h"
#include "shell/session.h"
#include "themes/theme.h"

static int list_themes(struct session *s)
{
	char **names = theme_names();
	char *saved = theme_saved_name();
	const char *cur = theme_active_name() ? theme_active_name() : saved ? saved : "default";

	for (size_t i = 0; names[i]; i++) {
		struct theme *t = NULL;

		/* A broken user theme is listed with why, not hidden. */
		if (theme_find(names[i], &t, NULL) == 0)
			session_out(s, "%s %-14s %s\n", strcmp(names[i], cur) ? " " : "*", names[i],
				    t->description ? t->description : "");
		else
			session_out(s, "  %-14s (does not load: try `theme %s`)\n", names[i], names[i]);
		theme_free(t);
		free(names[i]);
	}
	free(names);
	free(saved);
	return 0;
}

static int exec_theme(struct session *s, struct cmd_args *a, struct kerr *err)
{
	struct theme *t = NULL;
	const char *name;

	if (a->argc == 0)
		return list_themes(s);
	name = a->argv[0];
	if (theme_find(name, &t, err) < 0)
		return -1;
	/* In the TUI a theme is active: switch the screen now. */
	if (theme_active_name())
		theme_activate(t);
	else
		theme_free(t);
	if (theme_save_name(name, err) < 0)
		return kerr_prefix(err, "theme %s is on, but not remembered", name);
	if (!theme_active_name() || session_mode(s) != SESSION_TUI)
		session_out(s, "theme %s (used from the next start of the TUI)\n", name);
	return 0;
}

static const struct cmd_pos theme_pos[] = {
	{ .name = "NAME", .comp = COMP_THEME },
	{ 0 },
};

const struct cmd_entry cmd_theme_entry = {
	.name = "theme",
	.usage = "[NAME]",
	.summary = "list colour themes, or switch to one",
	.help = "Without NAME, lists the themes (built-in: default, light, high-contrast,\n"
		"mono; yours: $XDG_CONFIG_HOME/kurator/themes/NAME.yaml, see\n"
		"themes/default.yaml for the format). With NAME, the TUI switches to it at\n"
		"once and uses it from then on. NO_COLOR (set and non-empty) always wins:\n"
		"attributes only, no colours.",
	.args = theme_pos,
	.min_args = 0,
	.max_args = 1,
	.flags = CMD_F_MAIN | CMD_F_READONLY,
	.exec = exec_theme,
};
