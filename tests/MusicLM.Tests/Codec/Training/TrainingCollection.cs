namespace MusicLM.Tests.Codec.Training;

/// <summary>
/// Training tests reseed the engine's process-wide random generator and compare runs bit for bit, so they run
/// alone, after the parallel tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "codec training (serial)";
}
