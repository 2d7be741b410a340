namespace MusicLM.Torch.Serialization;

/// <summary>
/// A checkpoint file is malformed, truncated or hostile: a header length past the end of the file,
/// a shape that does not match its bytes, an unknown pickle opcode, a missing storage. The message
/// names the file and what is wrong. It is the only exception the readers throw for bad content
/// (a missing file is still a <see cref="FileNotFoundException"/>).
/// </summary>
public class CheckpointFormatException : Exception
{
    public CheckpointFormatException(string path, string problem)
        : base($"{path}: {problem}") => FilePath = path;

    public CheckpointFormatException(string path, string problem, Exception inner)
        : base($"{path}: {problem}", inner) => FilePath = path;

    /// <summary>The file that could not be read.</summary>
    public string FilePath { get; } = "";
}
