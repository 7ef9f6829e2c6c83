/* main.c - kurator-sim entry point (replaced by the simulator). */
#include <stdio.h>

int main(void)
{
	return 1;
}
