namespace MusicLM.Codec;

/// <summary>A <c>.codes</c> file that cannot be read: the message says which file and what is wrong.</summary>
public sealed class CodesFormatException : IOException
{
    public CodesFormatException(string path, string message) : base($"{path}: {message}") => FilePath = path;

    public string FilePath { get; }
}
