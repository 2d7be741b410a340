using System.Globalization;
using System.Text.Json.Nodes;
using MusicLM.Torch;

namespace MusicLM.Interactive;

/// <summary>
/// Figures for the course, drawn by plotly.js (bundled; no internet needed):
/// <c>Plot.Line(losses)</c>, <c>Plot.Waveform(x, 24000)</c>, <c>Plot.Spectrogram(mel, 24000, 256, mel: true)</c>,
/// <c>Plot.TokenGrid(codes, 75)</c>, <c>Plot.Attention(weights, layer: 2, head: 0)</c>, <c>Plot.Live("loss")</c>.
/// Each returns a <see cref="Figure"/> that shows itself as a cell's last value (or with <c>display</c>).
/// </summary>
public static class Plot
{
    /// <summary>A line of <paramref name="y"/> against 0, 1, 2, …</summary>
    public static Figure Line(IEnumerable<double> y, string? title = null, string? xTitle = null, string? yTitle = null, string? name = null) =>
        new Figure(title).AddLine(y, null, name).WithAxes(xTitle, yTitle);

    /// <summary>A line through (x, y).</summary>
    public static Figure Line(IEnumerable<double> x, IEnumerable<double> y, string? title = null, string? xTitle = null, string? yTitle = null, string? name = null) =>
        new Figure(title).AddLine(y, x, name).WithAxes(xTitle, yTitle);

    /// <summary>A line of a 1-D tensor.</summary>
    public static Figure Line(Tensor y, string? title = null, string? xTitle = null, string? yTitle = null, string? name = null) =>
        Line(Samples.ToFloats(y).Select(v => (double)v), title, xTitle, yTitle, name);

    /// <summary>
    /// Points at (x, y), optionally labelled on hover, with an optional marker <paramref name="color"/> (any CSS
    /// colour), <paramref name="size"/> (pixels) and <paramref name="opacity"/> (0–1); see
    /// <see cref="Figure.AddScatter"/> to add more sets of points to the same figure.
    /// </summary>
    public static Figure Scatter(IEnumerable<double> x, IEnumerable<double> y, string? title = null, string? xTitle = null, string? yTitle = null, IEnumerable<string>? labels = null,
        string? color = null, double? size = null, double? opacity = null, string? name = null) =>
        new Figure(title).AddScatter(x, y, name, labels, color, size, opacity).WithAxes(xTitle, yTitle);

    /// <summary>A bar chart of named values.</summary>
    public static Figure Bar(IEnumerable<string> labels, IEnumerable<double> values, string? title = null, string? yTitle = null) =>
        new Figure(title).AddBar(labels, values).WithAxes(null, yTitle);

    /// <summary>
    /// A heatmap (row 0 at the bottom), with a small PNG fallback. Matrices wider than
    /// <see cref="MaxHeatmapColumns"/> or taller than <see cref="MaxHeatmapRows"/> are drawn from averages of
    /// neighbouring cells (x and y stay in the original row and column numbers), so a figure stays light.
    /// </summary>
    public static Figure Heatmap(float[,] z, string? title = null, string? xTitle = null, string? yTitle = null)
    {
        ArgumentNullException.ThrowIfNull(z);
        var (pz, px, py) = Pool(z, Indices(z.GetLength(1)), Indices(z.GetLength(0)));
        var pooled = pz.GetLength(0) != z.GetLength(0) || pz.GetLength(1) != z.GetLength(1);
        var f = new Figure(title).AddHeatmap(pz, pooled ? px : null, pooled ? py : null).WithAxes(xTitle, yTitle);
        return f.WithFallbackPng(FallbackPng(pz));
    }

    /// <summary>Heatmaps keep at most this many columns (about one per pixel of a notebook's output area).</summary>
    public const int MaxHeatmapColumns = 800;

    /// <summary>Heatmaps keep at most this many rows (a 320 px spectrogram has about 220 px of plot height).</summary>
    public const int MaxHeatmapRows = 200;

    private static readonly string[] pitchClasses = { "C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B" };

    /// <summary>
    /// A chromagram: the 12 pitch classes (C, C♯, D, … B, bottom to top) against time — in seconds when
    /// <paramref name="sampleRate"/> and <paramref name="hopLength"/> are given, else in frames. Accepts
    /// (12, T) or (1, 12, T), as <c>Chroma.Forward</c> returns.
    /// </summary>
    public static Figure Chroma(Tensor chroma, int sampleRate = 0, int hopLength = 0, string? title = null) =>
        Chroma(Matrix2D(chroma, "chroma"), sampleRate, hopLength, title);

    /// <summary>A chromagram of (12, T) values; see <see cref="Chroma(Tensor, int, int, string?)"/>.</summary>
    public static Figure Chroma(float[,] chroma, int sampleRate = 0, int hopLength = 0, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(chroma);
        if (chroma.GetLength(0) != 12) throw new ArgumentException($"chroma must have 12 pitch-class rows, got {chroma.GetLength(0)}", nameof(chroma));
        if (chroma.GetLength(1) == 0) throw new ArgumentException("chroma has no frames", nameof(chroma));
        if ((sampleRate > 0) != (hopLength > 0) || sampleRate < 0 || hopLength < 0)
            throw new ArgumentException($"give both sampleRate and hopLength (positive) for a time axis, or neither; got {sampleRate} and {hopLength}");
        var seconds = sampleRate > 0;
        var frames = Enumerable.Range(0, chroma.GetLength(1)).Select(t => seconds ? (double)t * hopLength / sampleRate : t).ToArray();
        var (z, x, _) = Pool(chroma, frames, Indices(12));
        var fig = new Figure(title ?? "chroma").AddHeatmap(z, x, Indices(12)).WithAxes(seconds ? "time (s)" : "frame", "pitch class").WithSize(0, 300);
        var trace = (JsonObject)fig.Traces[^1]!;
        trace["hovertemplate"] = (seconds ? "t=%{x:.2f} s" : "frame %{x}") + "<br>%{y}: %{z:.3f}<extra></extra>";
        var ya = fig.Axis("yaxis");
        Ticks(ya, pitchClasses, 12, "pitch classes");
        return fig.WithFallbackPng(FallbackPng(z));
    }

    /// <summary>A heatmap of a 2-D tensor.</summary>
    public static Figure Heatmap(Tensor z, string? title = null, string? xTitle = null, string? yTitle = null) =>
        Heatmap(Samples.Matrix(z, "heatmap values"), title, xTitle, yTitle);

    // ---- audio ----

    /// <summary>
    /// The waveform against time in seconds. Long audio is drawn as its min/max envelope over at most
    /// <paramref name="maxPoints"/> points, so a minute of audio stays a light figure.
    /// </summary>
    public static Figure Waveform(float[] samples, int sampleRate, string? title = null, int maxPoints = 2000)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return Waveform(Samples.FromMono(samples), sampleRate, title, maxPoints);
    }

    /// <summary>The waveform of a (T), (C, T) or (1, C, T) tensor, one trace per channel.</summary>
    public static Figure Waveform(Tensor samples, int sampleRate, string? title = null, int maxPoints = 2000) =>
        Waveform(Samples.FromTensor(samples), sampleRate, title, maxPoints);

    /// <summary>The waveform of (channels, samples), one trace (or envelope) per channel.</summary>
    public static Figure Waveform(float[,] samples, int sampleRate, string? title = null, int maxPoints = 2000)
    {
        Wav.Validate(samples, sampleRate);
        if (maxPoints < 4) throw new ArgumentException($"maxPoints must be ≥ 4, got {maxPoints}", nameof(maxPoints));
        var fig = new Figure(title).WithAxes("time (s)", "amplitude").WithSize(0, 250);
        int channels = samples.GetLength(0), n = samples.GetLength(1);
        var envelope = false;
        for (var c = 0; c < channels; c++)
        {
            var name = channels == 1 ? null : $"channel {c}";
            if (n <= maxPoints)
            {
                fig.AddLine(Enumerable.Range(0, n).Select(i => (double)samples[c, i]), Enumerable.Range(0, n).Select(i => (double)i / sampleRate), name);
                continue;
            }
            var bins = maxPoints / 2;
            // Named for what they are, so the legend explains the shaded band.
            var binMs = 1000.0 * n / bins / sampleRate;
            var per = binMs >= 1 ? $"per {Invariant(Math.Round(binMs, 1))} ms" : $"per {(n + bins - 1) / bins} samples";
            var group = name ?? "waveform";
            double[] x = new double[bins], lo = new double[bins], hi = new double[bins];
            for (var b = 0; b < bins; b++)
            {
                int start = (int)((long)b * n / bins), end = (int)((long)(b + 1) * n / bins);
                float mn = float.PositiveInfinity, mx = float.NegativeInfinity;
                for (var i = start; i < end; i++) { mn = Math.Min(mn, samples[c, i]); mx = Math.Max(mx, samples[c, i]); }
                (lo[b], hi[b]) = (mn, mx);
                x[b] = (start + end) / 2.0 / sampleRate;
            }
            var prefix = name == null ? "" : name + " ";
            fig.AddTrace(Figure.Trace("scatter", $"{prefix}max {per}", ("mode", "lines"), ("x", Json.Numbers(x)), ("y", Json.Numbers(hi)), ("line", new JsonObject { ["width"] = 0.5 }), ("legendgroup", group)));
            fig.AddTrace(Figure.Trace("scatter", $"{prefix}min {per} (band: the range of the samples)", ("mode", "lines"), ("x", Json.Numbers(x)), ("y", Json.Numbers(lo)), ("fill", "tonexty"), ("line", new JsonObject { ["width"] = 0.5 }), ("legendgroup", group)));
            envelope = true;
        }
        if (envelope) fig.Layout["legend"] = new JsonObject { ["orientation"] = "h", ["x"] = 1.0, ["xanchor"] = "right", ["y"] = 1.02, ["yanchor"] = "bottom" };
        return fig;
    }

    /// <summary>
    /// A spectrogram (F, T) — linear STFT bins (y in Hz) or, with <paramref name="mel"/>, mel bands (y in mel
    /// bins) — against time in seconds (frame t at t·hop/rate). Pass magnitudes in dB or log scale, or set
    /// <paramref name="toDecibels"/> to convert power with 10·log10. <paramref name="colorMin"/> and
    /// <paramref name="colorMax"/> fix the colour scale (in the plotted units), so several spectrograms compare.
    /// </summary>
    public static Figure Spectrogram(float[,] values, int sampleRate, int hopLength, bool mel = false, string? title = null, bool toDecibels = false,
        double? colorMin = null, double? colorMax = null)
    {
        if (colorMin is { } lo && colorMax is { } hi && !(lo < hi)) throw new ArgumentException($"colorMin ({lo}) must be below colorMax ({hi})");
        var (fz, fx, fy, yTitle) = SpectrogramAxes(values, sampleRate, hopLength, mel, toDecibels);
        var (z, x, y) = Pool(fz, fx, fy);
        var fig = new Figure(title).AddHeatmap(z, x, y).WithAxes("time (s)", yTitle).WithSize(0, 320);
        if (colorMin is { } min) fig.Traces[0]!["zmin"] = min;
        if (colorMax is { } max) fig.Traces[0]!["zmax"] = max;
        if (colorMin is not null || colorMax is not null)
        {
            var (cmin, cmax) = (colorMin ?? double.NegativeInfinity, colorMax ?? double.PositiveInfinity);
            var clipped = new float[z.GetLength(0), z.GetLength(1)];
            for (var f = 0; f < z.GetLength(0); f++)
                for (var t = 0; t < z.GetLength(1); t++) clipped[f, t] = (float)Math.Clamp(z[f, t], cmin, cmax);
            // The fallback image scales to its own extremes: pin them to the requested range when the data reach it.
            return fig.WithFallbackPng(FallbackPng(clipped));
        }
        return fig.WithFallbackPng(FallbackPng(z));
    }

    /// <summary>A spectrogram from a tensor of shape (F, T) or (1, F, T).</summary>
    public static Figure Spectrogram(Tensor values, int sampleRate, int hopLength, bool mel = false, string? title = null, bool toDecibels = false,
        double? colorMin = null, double? colorMax = null) =>
        Spectrogram(Matrix2D(values, "spectrogram"), sampleRate, hopLength, mel, title, toDecibels, colorMin, colorMax);

    private static (float[,] Z, double[] X, double[] Y, string YTitle) SpectrogramAxes(float[,] values, int sampleRate, int hopLength, bool mel, bool toDecibels)
    {
        ArgumentNullException.ThrowIfNull(values);
        int bins = values.GetLength(0), frames = values.GetLength(1);
        if (bins == 0 || frames == 0) throw new ArgumentException("spectrogram is empty", nameof(values));
        if (sampleRate <= 0) throw new ArgumentException($"sample rate must be positive, got {sampleRate}", nameof(sampleRate));
        if (hopLength <= 0) throw new ArgumentException($"hop length must be positive, got {hopLength}", nameof(hopLength));
        var z = values;
        if (toDecibels)
        {
            z = new float[bins, frames];
            for (var f = 0; f < bins; f++)
                for (var t = 0; t < frames; t++) z[f, t] = 10f * MathF.Log10(Math.Max(values[f, t], 1e-10f));
        }
        var x = Enumerable.Range(0, frames).Select(t => (double)t * hopLength / sampleRate).ToArray();
        var y = mel
            ? Enumerable.Range(0, bins).Select(f => (double)f).ToArray()
            : Enumerable.Range(0, bins).Select(f => bins == 1 ? 0 : f * (sampleRate / 2.0) / (bins - 1)).ToArray();
        return (z, x, y, mel ? "mel bin" : "frequency (Hz)");
    }

    // ---- tokens ----

    /// <summary>
    /// Codec tokens as a grid: codebook level (y) × time (x, seconds at <paramref name="tokensPerSecond"/>),
    /// coloured by id. With a <paramref name="spectrogram"/>, it is drawn above on the same time axis, so a
    /// token column lines up with the sound it encodes.
    /// </summary>
    public static Figure TokenGrid(long[,] tokens, double tokensPerSecond, string? title = null,
        float[,]? spectrogram = null, int sampleRate = 0, int hopLength = 0, bool mel = true)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        int levels = tokens.GetLength(0), steps = tokens.GetLength(1);
        if (levels == 0 || steps == 0) throw new ArgumentException("token grid is empty", nameof(tokens));
        if (!(tokensPerSecond > 0)) throw new ArgumentException($"tokensPerSecond must be positive, got {tokensPerSecond}", nameof(tokensPerSecond));
        var z = new float[levels, steps];
        for (var k = 0; k < levels; k++)
            for (var t = 0; t < steps; t++) z[k, t] = tokens[k, t];
        var x = Enumerable.Range(0, steps).Select(t => (t + 0.5) / tokensPerSecond).ToArray();
        var fig = new Figure(title);
        fig.AddHeatmap(z, x, Enumerable.Range(0, levels).Select(k => (double)k).ToArray(), "tokens");
        var tokenTrace = (JsonObject)fig.Traces[^1]!;
        tokenTrace["showscale"] = false;
        tokenTrace["hovertemplate"] = "t=%{x:.3f} s<br>level %{y}<br>id %{z}<extra></extra>";
        fig.WithAxes("time (s)", "codebook level").WithSize(0, spectrogram == null ? 60 + 28 * Math.Max(levels, 4) : 480);
        fig.Axis("yaxis")["dtick"] = 1;
        if (spectrogram == null) return fig.WithFallbackPng(FallbackPng(z));

        var (fsz, fsx, fsy, sTitle) = SpectrogramAxes(spectrogram, sampleRate, hopLength, mel, false);
        var (sz, sx, sy) = Pool(fsz, fsx, fsy);
        fig.AddHeatmap(sz, sx, sy, "spectrogram");
        var specTrace = (JsonObject)fig.Traces[^1]!;
        specTrace["yaxis"] = "y2";
        specTrace["showscale"] = false;
        fig.Axis("yaxis")["domain"] = new JsonArray(0.0, 0.33);
        var y2 = fig.Axis("yaxis2");
        y2["domain"] = new JsonArray(0.4, 1.0);
        y2["anchor"] = "x";
        y2["title"] = new JsonObject { ["text"] = sTitle };
        // One picture for viewers without scripts: spectrogram on top, tokens below, same width.
        var (w, hs) = FallbackSize(sz);
        var ht = Math.Max(levels * 8, 40);
        var top = Png.HeatmapPixels(sz, w, hs);
        var bottom = Png.HeatmapPixels(z, w, ht);
        return fig.WithFallbackPng(Png.Encode(top.Concat(bottom).ToArray(), w, hs + ht));
    }

    /// <summary>Tokens from an integer tensor of shape (K, T) or (1, K, T).</summary>
    public static Figure TokenGrid(Tensor tokens, double tokensPerSecond, string? title = null,
        Tensor? spectrogram = null, int sampleRate = 0, int hopLength = 0, bool mel = true)
    {
        var m = Matrix2D(tokens, "tokens");
        var ids = new long[m.GetLength(0), m.GetLength(1)];
        for (var k = 0; k < m.GetLength(0); k++)
            for (var t = 0; t < m.GetLength(1); t++) ids[k, t] = (long)m[k, t];
        return TokenGrid(ids, tokensPerSecond, title, spectrogram == null ? null : Matrix2D(spectrogram, "spectrogram"), sampleRate, hopLength, mel);
    }

    // ---- attention ----

    /// <summary>
    /// Attention weights of one head: queries down (y, first at the top), keys across (x). Accepts
    /// (L, H, T, S), (H, T, S) or (T, S); pick <paramref name="layer"/> and <paramref name="head"/>, or set
    /// <paramref name="dropdown"/> to get every layer/head behind a menu. Token labels go on the axes.
    /// </summary>
    public static Figure Attention(Tensor weights, int layer = 0, int head = 0, IReadOnlyList<string>? queryLabels = null,
        IReadOnlyList<string>? keyLabels = null, bool dropdown = false, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var shape = weights.shape;
        if (shape.Length is < 2 or > 4) throw new ArgumentException($"attention weights must be (L, H, T, S), (H, T, S) or (T, S); got ({string.Join(", ", shape)})", nameof(weights));
        long L = shape.Length == 4 ? shape[0] : 1, H = shape.Length >= 3 ? shape[^3] : 1, T = shape[^2], S = shape[^1];
        if (layer < 0 || layer >= L) throw new ArgumentException($"layer {layer} out of range: the weights have {L} layer(s)", nameof(layer));
        if (head < 0 || head >= H) throw new ArgumentException($"head {head} out of range: the weights have {H} head(s)", nameof(head));
        var flat = Samples.ToFloats(weights);
        float[,] Slice(long l, long h)
        {
            var m = new float[T, S];
            var offset = (l * H + h) * T * S;
            Buffer.BlockCopy(flat, (int)(offset * sizeof(float)), m, 0, (int)(T * S * sizeof(float)));
            return m;
        }
        string Name(long l, long h) => shape.Length == 4 ? $"layer {l}, head {h}" : shape.Length == 3 ? $"head {h}" : "attention";
        var fig = new Figure(title ?? Name(layer, head));
        var chosen = Slice(layer, head);
        if (!dropdown || L * H == 1)
        {
            AddAttentionTrace(fig, chosen, Name(layer, head), true);
        }
        else
        {
            var buttons = new JsonArray();
            var index = 0;
            var shownIndex = layer * (int)H + head;
            for (long l = 0; l < L; l++)
                for (long h = 0; h < H; h++, index++)
                {
                    AddAttentionTrace(fig, Slice(l, h), Name(l, h), index == shownIndex);
                    var visible = new JsonArray();
                    for (var j = 0; j < L * H; j++) visible.Add(j == index);
                    buttons.Add(new JsonObject
                    {
                        ["label"] = Name(l, h),
                        ["method"] = "update",
                        ["args"] = new JsonArray(new JsonObject { ["visible"] = visible }, new JsonObject { ["title"] = new JsonObject { ["text"] = Name(l, h) } }),
                    });
                }
            fig.Layout["updatemenus"] = new JsonArray(new JsonObject
            {
                ["buttons"] = buttons, ["direction"] = "down", ["active"] = shownIndex,
                ["x"] = 1.0, ["xanchor"] = "right", ["y"] = 1.15, ["yanchor"] = "top",
            });
        }
        fig.WithAxes("key", "query");
        var xa = fig.Axis("xaxis");
        var ya = fig.Axis("yaxis");
        ya["autorange"] = "reversed";
        if (keyLabels != null) Ticks(xa, keyLabels, S, nameof(keyLabels));
        if (queryLabels != null) Ticks(ya, queryLabels, T, nameof(queryLabels));
        xa["side"] = "top";
        var size = (int)Math.Clamp(Math.Max(T, S) * 18 + 160, 320, 720);
        fig.WithSize(size, size);
        // queries run downwards, as in the plot: flip so the PNG's top row is query 0.
        var flipped = new float[T, S];
        for (var t = 0; t < T; t++)
            for (var s = 0; s < S; s++) flipped[t, s] = chosen[T - 1 - t, s];
        return fig.WithFallbackPng(FallbackPng(flipped));
    }

    private static void AddAttentionTrace(Figure fig, float[,] m, string name, bool visible)
    {
        fig.AddHeatmap(m, name: name);
        var t = (JsonObject)fig.Traces[^1]!;
        t["visible"] = visible;
        t["zmin"] = 0.0;
        t["hovertemplate"] = "query %{y}<br>key %{x}<br>weight %{z:.3f}<extra></extra>";
    }

    private static void Ticks(JsonObject axis, IReadOnlyList<string> labels, long count, string param)
    {
        if (labels.Count != count) throw new ArgumentException($"{param} has {labels.Count} labels for {count} positions", param);
        // Numeric positions with tick text: repeated tokens ("the", "the") stay separate rows.
        axis["tickmode"] = "array";
        axis["tickvals"] = Json.Numbers(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray());
        axis["ticktext"] = Json.Strings(labels);
    }

    // ---- live ----

    /// <summary>
    /// A training curve that updates in place (at most ~3 times a second):
    /// <code>using var curve = Plot.Live("training"); … curve.Add(step, ("loss", loss));</code>
    /// Dispose it (or call <see cref="LiveCurve.Flush"/>) to draw the last points.
    /// </summary>
    public static LiveCurve Live(string title = "training", string xTitle = "step", TimeProvider? clock = null) =>
        new(title, xTitle, clock ?? TimeProvider.System);

    // ---- helpers ----

    private static float[,] Matrix2D(Tensor t, string what)
    {
        ArgumentNullException.ThrowIfNull(t);
        var shape = t.shape;
        if (shape.Length == 3 && shape[0] == 1)
        {
            using var squeezed = t.squeeze(0);
            return Samples.Matrix(squeezed, what);
        }
        return Samples.Matrix(t, what);
    }

    private static double[] Indices(int n) => Enumerable.Range(0, n).Select(i => (double)i).ToArray();

    /// <summary>
    /// Averages blocks of neighbouring cells so that at most <see cref="MaxHeatmapColumns"/> ×
    /// <see cref="MaxHeatmapRows"/> remain; each kept coordinate is its block's mean. Non-finite values are
    /// left out of a block's mean (a block of only NaN stays NaN).
    /// </summary>
    internal static (float[,] Z, double[] X, double[] Y) Pool(float[,] z, double[] x, double[] y)
    {
        int rows = z.GetLength(0), cols = z.GetLength(1);
        int fc = (cols + MaxHeatmapColumns - 1) / MaxHeatmapColumns, fr = (rows + MaxHeatmapRows - 1) / MaxHeatmapRows;
        if (fc <= 1 && fr <= 1) return (z, x, y);
        int pc = (cols + fc - 1) / fc, pr = (rows + fr - 1) / fr;
        var pz = new float[pr, pc];
        for (var r = 0; r < pr; r++)
            for (var c = 0; c < pc; c++)
            {
                double sum = 0;
                var count = 0;
                for (var i = r * fr; i < Math.Min(rows, (r + 1) * fr); i++)
                    for (var j = c * fc; j < Math.Min(cols, (c + 1) * fc); j++)
                        if (float.IsFinite(z[i, j])) { sum += z[i, j]; count++; }
                pz[r, c] = count == 0 ? float.NaN : (float)(sum / count);
            }
        static double[] Means(double[] v, int factor, int n) =>
            Enumerable.Range(0, n).Select(k => v.Skip(k * factor).Take(factor).Average()).ToArray();
        return (pz, Means(x, fc, pc), Means(y, fr, pr));
    }

    /// <summary>The static picture: the matrix's own size, at most 400×160 pixels (the page stretches it).</summary>
    private static (int W, int H) FallbackSize(float[,] z) => (Math.Min(z.GetLength(1), 400), Math.Min(z.GetLength(0), 160));

    internal static byte[] FallbackPng(float[,] z)
    {
        var (w, h) = FallbackSize(z);
        return Png.Heatmap(z, w, h);
    }

    internal static string Invariant(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
