// Entry point of the local cluster (issue 12): filled in by the API server work.
return 0;
