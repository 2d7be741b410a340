using System.CommandLine;
using System.Text.Json;
using MusicLM.Audio;

namespace MusicLM.Cli.Commands;

/// <summary>
/// <c>musiclm audio info FILE</c>: one JSON object describing an audio file — sample_rate, channels, frames,
/// duration_s, format, bits (null for lossy formats), peak and rms (linear, over all channels).
/// </summary>
public static class AudioInfo
{
    /// <summary><paramref name="args"/> are what follows <c>audio info</c>: the file.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Cli.Run(["audio", "info", .. args], stdout, stderr);

    internal static Command Build(CliContext ctx)
    {
        var file = new Argument<string>("FILE") { Description = "An audio file: WAV (PCM 8/16/24/32-bit, float) natively, any other format through ffmpeg." };
        var info = new Command("info", "Print one JSON object describing an audio file (format, rate, channels, frames, duration, bits, peak, rms).").With(file);
        info.SetAction(r => Describe(r.GetValue(file)!, ctx.Out));
        CliHelp.SetExamples(info, "musiclm audio info /tmp/synth/clips/synth-000000.wav");
        return info;
    }

    private static int Describe(string path, TextWriter stdout)
    {
        var info = AudioFile.Probe(path);
        var clip = AudioFile.Read(path);
        var json = new Dictionary<string, object?>
        {
            ["file"] = path,
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
}
