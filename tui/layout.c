/* layout.c - where each pane goes. Pure arithmetic, tested in tests/tui.
 *
 *   +- tree -------+- details -------+- metrics --+
 *   |              +-----------------+------------+
 *   |              | logs                         |
 *   +--------------+------------------------------+
 *   | shell                                       |
 *   +---------------------------------------------+
 *   status line
 */
#include "tui/pane.h"

static int clamp(int v, int lo, int hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return v;
}

int layout_compute(int rows, int cols, struct rect out[PANE__COUNT], struct rect *status)
{
	int avail, shell_h, top_h, tree_w, right_w, upper_h, metrics_w;

	for (int i = 0; i < PANE__COUNT; i++)
		out[i] = (struct rect){ 0, 0, 0, 0 };
	*status = (struct rect){ rows > 0 ? rows - 1 : 0, 0, rows > 0 ? 1 : 0, cols > 0 ? cols : 0 };
	if (rows < 12 || cols < 40)
		return -1;
	avail = rows - 1;
	shell_h = clamp(avail / 4, 5, 12);
	top_h = avail - shell_h;
	tree_w = clamp(cols * 2 / 5, 24, 60);
	right_w = cols - tree_w;
	upper_h = clamp(top_h * 2 / 5, 5, 14);
	if (upper_h > top_h - 3)
		upper_h = top_h - 3 > 3 ? top_h - 3 : 3;
	metrics_w = clamp(right_w * 2 / 5, 16, 40);
	if (metrics_w > right_w - 12)
		metrics_w = right_w / 2;

	out[PANE_TREE] = (struct rect){ 0, 0, top_h, tree_w };
	out[PANE_DETAILS] = (struct rect){ 0, tree_w, upper_h, right_w - metrics_w };
	out[PANE_METRICS] = (struct rect){ 0, cols - metrics_w, upper_h, metrics_w };
	out[PANE_LOGS] = (struct rect){ upper_h, tree_w, top_h - upper_h, right_w };
	out[PANE_SHELL] = (struct rect){ top_h, 0, shell_h, cols };
	return 0;
}
