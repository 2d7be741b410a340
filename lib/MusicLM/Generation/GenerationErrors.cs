namespace MusicLM.Generation;

/// <summary>A checkpoint the pipeline needs is not there; the message names the command that makes it.</summary>
public sealed class MissingCheckpointException : FileNotFoundException
{
    public MissingCheckpointException(string what, string path)
        : base($"no {what} at {path}: run `musiclm course prepare` (or the notebook that trains it) to make the course's checkpoints", path)
    {
        What = what;
    }

    /// <summary>Which model is missing ("codec", "semantic stage", …).</summary>
    public string What { get; }
}

/// <summary>The models given to the pipeline were not trained on each other's token streams (a stage for another codec, say).</summary>
public sealed class IncompatibleModelsException : ArgumentException
{
    public IncompatibleModelsException(string message) : base(message) { }
}
