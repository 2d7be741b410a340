namespace MusicLM.Kernel.Tests;

/// <summary>Kernel tests run one after another: timing checks (interrupt within 1 s) need the CPU.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection : ICollectionFixture<KernelFixture>;
