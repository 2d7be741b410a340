using System.Text.Json;
using MusicLM.Audio;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm audio info FILE</c>: one JSON object describing an audio file — sample_rate, channels, frames,
/// duration_s, format, bits (null for lossy formats), peak and rms (linear, over all channels).
/// </summary>
public static class AudioInfo
{
    public const string Usage = "usage: musiclm audio info FILE";

    /// <summary><paramref name="args"/> are what follows <c>audio info</c>: the file.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 1 || args[0].StartsWith('-'))
        {
            stderr.WriteLine(Usage);
            return 2;
        }
        try
        {
            var info = AudioFile.Probe(args[0]);
            var clip = AudioFile.Read(args[0]);
            var json = new Dictionary<string, object?>
            {
                ["file"] = args[0],
                ["format"] = info.Format,
                ["sample_rate"] = clip.SampleRate,
                ["channels"] = clip.Channels,
                ["frames"] = clip.Frames,
                ["duration_s"] = Math.Round(clip.DurationSeconds, 6),
                ["bits"] = info.Bits,
                ["peak"] = Math.Round(Loudness.Peak(clip), 6),
                ["rms"] = Math.Round(Loudness.Rms(clip), 6),
            };
            stdout.WriteLine(JsonSerializer.Serialize(json));
            return 0;
        }
        catch (AudioFormatException e)
        {
            stderr.WriteLine($"musiclm audio info: {OneLine(e.Message)}");
            return 1;
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
