module goheap.example/traces

go 1.19
