namespace MusicLM.Torch.Tests;

/// <summary>
/// Tests that depend on process-wide state (the global random generator, the thread count, resident
/// memory) run alone, after the parallel ones.
/// </summary>
[CollectionDefinition("Serial", DisableParallelization = true)]
public class SerialCollection { }
