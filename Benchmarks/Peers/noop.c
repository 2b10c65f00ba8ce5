/* The floor of the demo host's start: a static C program that does nothing. scripts/benchmark builds it with
   `cc -static -O2`, beside the release products. */
int main(void) { return 0; }
