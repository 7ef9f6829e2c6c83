/* main.c - kurator's entry point (replaced by the shell's dispatcher). */
#include <stdio.h>

int main(void)
{
	puts("kurator " KURATOR_VERSION);
	return 0;
}
