using System.Globalization;
using System.Net;
using MusicLM.Torch;

namespace MusicLM.Interactive;

/// <summary>
/// An audio player, like IPython's <c>Audio</c>: the samples become a 16-bit WAV inside the notebook (a data
/// URI, so it plays offline and survives saving). Show it as a cell's last value or with <c>display</c>:
/// <code>Audio.Play(x, 24000, "original")</code>
/// </summary>
public sealed class Audio : IDisplayable
{
    private readonly float[,] samples;

    private Audio(float[,] samples, int sampleRate, string? label, bool normalize)
    {
        Wav.Validate(samples, sampleRate);
        this.samples = samples;
        SampleRate = sampleRate;
        Label = label;
        Normalize = normalize;
    }

    /// <summary>Mono samples in [-1, 1] (louder samples are clipped unless <paramref name="normalize"/>).</summary>
    public static Audio Play(float[] samples, int sampleRate, string? label = null, bool normalize = false) =>
        new(Interactive.Samples.FromMono(samples ?? throw new ArgumentNullException(nameof(samples))), sampleRate, label, normalize);

    /// <summary>Mono samples in [-1, 1].</summary>
    public static Audio Play(double[] samples, int sampleRate, string? label = null, bool normalize = false) =>
        new(Interactive.Samples.FromMono(samples ?? throw new ArgumentNullException(nameof(samples))), sampleRate, label, normalize);

    /// <summary>(channels, samples) in [-1, 1]; channels are interleaved in the WAV.</summary>
    public static Audio Play(float[,] samples, int sampleRate, string? label = null, bool normalize = false) =>
        new((float[,])(samples ?? throw new ArgumentNullException(nameof(samples))).Clone(), sampleRate, label, normalize);

    /// <summary>A floating tensor of shape (T), (C, T) or (1, C, T), on any device.</summary>
    public static Audio Play(Tensor samples, int sampleRate, string? label = null, bool normalize = false) =>
        new(Interactive.Samples.FromTensor(samples), sampleRate, label, normalize);

    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }

    /// <summary>Caption shown above the player (and in grids).</summary>
    public string? Label { get; }

    /// <summary>Whether the peak is scaled to full level in the WAV.</summary>
    public bool Normalize { get; }

    public int Channels => samples.GetLength(0);

    /// <summary>Samples per channel.</summary>
    public int Frames => samples.GetLength(1);

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Frames / SampleRate);

    /// <summary>The WAV file's bytes.</summary>
    public byte[] ToWav() => Wav.Encode(samples, SampleRate, Normalize);

    /// <summary>Writes the WAV file.</summary>
    public void Save(string path) => File.WriteAllBytes(path, ToWav());

    /// <summary><c>data:audio/wav;base64,…</c></summary>
    public string ToDataUri() => "data:audio/wav;base64," + Convert.ToBase64String(ToWav());

    /// <summary>The player alone, without the caption.</summary>
    internal string PlayerHtml() =>
        $"<audio controls preload=\"metadata\" style=\"max-width:100%\" src=\"{ToDataUri()}\" title=\"{WebUtility.HtmlEncode(ToString())}\"></audio>";

    /// <summary>Caption (if any) and player.</summary>
    public string ToHtml()
    {
        var caption = Label == null ? "" : $"<div style=\"font-size:90%;margin-bottom:2px\">{WebUtility.HtmlEncode(Label)}</div>";
        return $"<div class=\"musiclm-audio\">{caption}{PlayerHtml()}</div>";
    }

    /// <summary>"Audio 'original': 2.50 s, 24000 Hz, 1 channel".</summary>
    public override string ToString()
    {
        var label = Label == null ? "" : $" '{Label}'";
        var ch = Channels == 1 ? "1 channel" : $"{Channels} channels";
        return string.Create(CultureInfo.InvariantCulture, $"Audio{label}: {Duration.TotalSeconds:0.00} s, {SampleRate} Hz, {ch}");
    }

    public IReadOnlyDictionary<string, object> ToMimeBundle() => MimeBundle.Html(ToHtml(), ToString()).Data;
}
