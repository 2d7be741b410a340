namespace MusicLM.Audio;

/// <summary>
/// The one exception audio readers throw for any problem with a file: missing, truncated, corrupt,
/// or in a variant we do not decode. The message names the file and the problem.
/// </summary>
public class AudioFormatException : IOException
{
    public AudioFormatException(string message) : base(message) { }
    public AudioFormatException(string message, Exception? inner) : base(message, inner) { }
}
