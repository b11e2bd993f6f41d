// Entry point of zksync-operator (issue 14): filled in by the operator work.
return 0;
