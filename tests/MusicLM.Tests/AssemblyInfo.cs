// The codec tests are CPU-heavy; running them one at a time keeps the suite's time predictable on 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
