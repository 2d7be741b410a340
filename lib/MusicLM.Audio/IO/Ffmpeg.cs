using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MusicLM.Audio;

/// <summary>
/// Runs the <c>ffmpeg</c> and <c>ffprobe</c> programs (no shell: every argument is passed as is), exchanging
/// raw little-endian float32 samples through pipes. Program names come from MUSICLM_FFMPEG / MUSICLM_FFPROBE
/// or default to those on PATH.
/// </summary>
internal sealed class Ffmpeg(string ffmpeg, string ffprobe)
{
    public static Ffmpeg Default => new(Env("MUSICLM_FFMPEG") ?? "ffmpeg", Env("MUSICLM_FFPROBE") ?? "ffprobe");

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    public AudioFileInfo Probe(string path)
    {
        var (rc, stdout, stderr) = Run(ffprobe, ["-v", "error", "-select_streams", "a:0",
            "-show_entries", "stream=sample_rate,channels,codec_name,bits_per_raw_sample,duration:format=format_name,duration",
            "-of", "json", path], null, $"reading {Path.GetFileName(path)}");
        if (rc != 0) throw new AudioFormatException($"{path}: ffprobe cannot read the file: {Tail(stderr)}");
        try
        {
            using var doc = JsonDocument.Parse(stdout);
            var root = doc.RootElement;
            if (!root.TryGetProperty("streams", out var streams) || streams.GetArrayLength() == 0)
                throw new AudioFormatException($"{path}: the file has no audio stream");
            var st = streams[0];
            int rate = int.Parse(st.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture);
            int channels = st.GetProperty("channels").GetInt32();
            if (rate <= 0 || channels <= 0) throw new AudioFormatException($"{path}: ffprobe reports {rate} Hz, {channels} channels");
            double duration = Number(st, "duration") ?? (root.TryGetProperty("format", out var fm) ? Number(fm, "duration") : null) ?? 0;
            int? bits = Number(st, "bits_per_raw_sample") is double b && b > 0 ? (int)b : null;
            string formatNames = root.TryGetProperty("format", out var f) && f.TryGetProperty("format_name", out var n) ? n.GetString() ?? "" : "";
            return new AudioFileInfo(FormatName(formatNames, path), rate, channels, (long)Math.Round(duration * rate), duration, bits);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new AudioFormatException($"{path}: cannot understand ffprobe's answer ({e.Message})", e);
        }
    }

    public AudioClip Decode(string path)
    {
        var info = Probe(path);
        var (rc, stdout, stderr) = Run(ffmpeg, ["-nostdin", "-v", "error", "-i", path, "-map", "0:a:0",
            "-f", "f32le", "-acodec", "pcm_f32le", "-ac", Str(info.Channels), "-ar", Str(info.SampleRate), "pipe:1"], null, $"decoding {Path.GetFileName(path)}");
        if (rc != 0) throw new AudioFormatException($"{path}: ffmpeg cannot decode the file: {Tail(stderr)}");
        var interleaved = MemoryMarshal.Cast<byte, float>(stdout.AsSpan(0, stdout.Length / 4 * 4));
        int frames = interleaved.Length / info.Channels;
        var s = new float[info.Channels, frames];
        for (int i = 0, p = 0; i < frames; i++)
            for (int c = 0; c < info.Channels; c++) s[c, i] = interleaved[p++];
        return new AudioClip(s, info.SampleRate);
    }

    /// <summary>Encodes to <paramref name="path"/>; ffmpeg picks the codec from the extension.</summary>
    public void Encode(AudioClip clip, string path)
    {
        var (rc, _, stderr) = Run(ffmpeg, ["-v", "error", "-y", "-f", "f32le", "-ar", Str(clip.SampleRate), "-ac", Str(clip.Channels),
            "-i", "pipe:0", Path.GetFullPath(path)], stdin =>
        {
            var buf = new float[Math.Max(1, 16384 / clip.Channels) * clip.Channels];
            int p = 0;
            for (int i = 0; i < clip.Frames; i++)
            {
                for (int c = 0; c < clip.Channels; c++) buf[p++] = clip.Samples[c, i];
                if (p == buf.Length) { stdin.Write(MemoryMarshal.AsBytes(buf.AsSpan())); p = 0; }
            }
            stdin.Write(MemoryMarshal.AsBytes(buf.AsSpan(0, p)));
        }, $"writing {Path.GetFileName(path)}");
        if (rc != 0) throw new AudioFormatException($"{path}: ffmpeg cannot encode the file: {Tail(stderr)}");
    }

    private static (int Rc, byte[] Stdout, string Stderr) Run(string program, string[] args, Action<Stream>? writeStdin, string why)
    {
        var psi = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = writeStdin is not null,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try
        {
            p = Process.Start(psi) ?? throw new AudioToolMissingException(program, why);
        }
        catch (Win32Exception e)
        {
            throw new AudioToolMissingException(program, why, e);
        }
        using (p)
        {
            var output = new MemoryStream();
            var outTask = p.StandardOutput.BaseStream.CopyToAsync(output);
            var errTask = p.StandardError.ReadToEndAsync();
            Exception? writeError = null;
            if (writeStdin is not null)
            {
                try
                {
                    using var stdin = p.StandardInput.BaseStream;
                    writeStdin(stdin);
                }
                catch (IOException e) { writeError = e; }   // ffmpeg exited early: its stderr says why
            }
            p.WaitForExit();
            outTask.Wait();
            var err = errTask.Result;
            if (writeError is not null && p.ExitCode == 0) throw new AudioFormatException($"{program}: {writeError.Message}", writeError);
            return (p.ExitCode, output.ToArray(), err);
        }
    }

    private static double? Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        return v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    /// <summary>ffprobe names demuxers ("mov,mp4,m4a,3gp,3g2,mj2"); prefer the file's own extension when it is one of them.</summary>
    private static string FormatName(string names, string path)
    {
        var list = names.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var ext = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        return list.Contains(ext) ? ext : list.FirstOrDefault() ?? (ext.Length > 0 ? ext : "unknown");
    }

    private static string Tail(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no message)" : string.Join(" | ", lines.TakeLast(3));
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);
}
