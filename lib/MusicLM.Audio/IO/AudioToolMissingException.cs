namespace MusicLM.Audio;

/// <summary>
/// An external program (<c>ffmpeg</c> or <c>ffprobe</c>) needed for a compressed format is not installed.
/// A subtype of <see cref="AudioFormatException"/> so one <c>catch</c> covers every audio problem.
/// </summary>
public sealed class AudioToolMissingException : AudioFormatException
{
    public AudioToolMissingException(string program, string why, Exception? inner = null)
        : base($"{why}: the program '{program}' was not found. Install ffmpeg (it provides ffmpeg and ffprobe): " +
               "environment/setup.sh installs it, or run `sudo apt-get install ffmpeg` (Debian/Ubuntu), `brew install ffmpeg` (macOS). " +
               "Set MUSICLM_FFMPEG / MUSICLM_FFPROBE to use a program elsewhere.", inner)
    {
        Program = program;
    }

    /// <summary>The program that was not found.</summary>
    public string Program { get; }
}
