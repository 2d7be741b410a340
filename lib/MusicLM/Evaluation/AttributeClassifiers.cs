using System.Text.Json;
using MusicLM.Audio.Synthesis;
using MusicLM.MuLan;

namespace MusicLM.Evaluation;

/// <summary>
/// Classifiers trained <em>for evaluation only</em>: which style a clip is (one of nine, softmax) and which instruments
/// play in it (nine independent yes/no), by logistic regression on <see cref="EvaluationFeatures"/>, trained on
/// synthetic clips whose ground truth is known, from a seed range no model of the hierarchy trains or is tuned on
/// (<see cref="TrainSeed"/>…). They never see MuLan or the codec, so a generator cannot score well by pleasing its own
/// text encoder. Their accuracy on real held-out clips is the ceiling any generation can reach through them.
/// </summary>
public sealed class AttributeClassifiers
{
    /// <summary>The classifiers' training clips are SyntheticMusic seeds from here on (the generator trains on 0…, its held-out clips are 1 000 000…, evaluation prompts 2 000 000…).</summary>
    public const int TrainSeed = 3_000_000;
    public const string Content = "musiclm.attribute-classifiers";

    public IReadOnlyList<string> Styles { get; }
    public IReadOnlyList<string> Instruments { get; }
    private readonly double[] mean, scale;
    private readonly double[,] styleWeights;      // (D + 1) × styles
    private readonly double[,] instrumentWeights; // (D + 1) × instruments

    private AttributeClassifiers(IReadOnlyList<string> styles, IReadOnlyList<string> instruments, double[] mean, double[] scale, double[,] sw, double[,] iw)
    {
        Styles = styles; Instruments = instruments; this.mean = mean; this.scale = scale; styleWeights = sw; instrumentWeights = iw;
    }

    /// <summary>Trains both classifiers on clips' features and ground truth (full-batch gradient descent with an L2 penalty; deterministic).</summary>
    public static AttributeClassifiers Train(IReadOnlyList<float[]> features, IReadOnlyList<ClipAttributes> truth, int iterations = 600, double l2 = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(truth);
        if (features.Count != truth.Count) throw new ArgumentException($"give one ground truth per clip: {features.Count} clips, {truth.Count} truths");
        if (features.Count < 4) throw new ArgumentException("train the classifiers on at least 4 clips");
        var d = features[0].Length;
        if (features.Any(f => f.Length != d)) throw new ArgumentException("every clip's features must have the same length");
        var styles = CaptionAttributes.Styles;
        var instruments = CaptionAttributes.InstrumentIds;
        var (mean, scale) = Standardisation(features);
        var x = features.Select(f => Standardise(f, mean, scale)).ToArray();
        var styleTargets = truth.Select(t => Enumerable.Range(0, styles.Count).Select(k => styles[k] == t.Style ? 1.0 : 0.0).ToArray()).ToArray();
        var instrumentTargets = truth.Select(t => instruments.Select(i => t.Instruments.Contains(i) ? 1.0 : 0.0).ToArray()).ToArray();
        var sw = Fit(x, styleTargets, softmax: true, iterations, l2);
        var iw = Fit(x, instrumentTargets, softmax: false, iterations, l2);
        return new AttributeClassifiers(styles, instruments, mean, scale, sw, iw);
    }

    /// <summary>The most likely style of a clip's features.</summary>
    public string Style(float[] features)
    {
        var p = StyleProbabilities(features);
        return Styles[Array.IndexOf(p, p.Max())];
    }

    /// <summary>The probability of each style (<see cref="Styles"/>' order).</summary>
    public double[] StyleProbabilities(float[] features)
    {
        var z = Logits(Standardise(Check(features), mean, scale), styleWeights);
        Softmax(z);
        return z;
    }

    /// <summary>The probability that each instrument plays (<see cref="Instruments"/>' order).</summary>
    public double[] InstrumentProbabilities(float[] features) =>
        Logits(Standardise(Check(features), mean, scale), instrumentWeights).Select(Sigmoid).ToArray();

    /// <summary>Whether <paramref name="instrument"/> is heard (probability ≥ 0.5).</summary>
    public bool Hears(float[] features, string instrument)
    {
        var i = IndexOf(Instruments, instrument);
        return InstrumentProbabilities(features)[i] >= 0.5;
    }

    /// <summary>The features standardised as the classifiers see them (for distances: every dimension on the same scale).</summary>
    public double[] Standardised(float[] features) => Standardise(Check(features), mean, scale);

    private float[] Check(float[] f)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.Length != mean.Length) throw new ArgumentException($"the classifiers read {mean.Length} features, got {f.Length}");
        return f;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++) if (names[i] == name) return i;
        throw new ArgumentException($"unknown instrument '{name}' (known: {string.Join(", ", names)})");
    }

    // ---- logistic regression ----

    private static double[,] Fit(double[][] x, double[][] y, bool softmax, int iterations, double l2)
    {
        int n = x.Length, d = x[0].Length, k = y[0].Length;
        var w = new double[d + 1, k];
        var m = new double[d + 1, k];
        var v = new double[d + 1, k];
        const double lr = 0.05, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var grad = new double[d + 1, k];
        for (var it = 1; it <= iterations; it++)
        {
            Array.Clear(grad);
            for (var i = 0; i < n; i++)
            {
                var z = Logits(x[i], w);
                if (softmax) Softmax(z); else for (var j = 0; j < k; j++) z[j] = Sigmoid(z[j]);
                for (var j = 0; j < k; j++)
                {
                    var e = (z[j] - y[i][j]) / n;
                    for (var a = 0; a < d; a++) grad[a, j] += e * x[i][a];
                    grad[d, j] += e;
                }
            }
            for (var a = 0; a <= d; a++)
                for (var j = 0; j < k; j++)
                {
                    var g = grad[a, j] + (a < d ? l2 * w[a, j] : 0);
                    m[a, j] = b1 * m[a, j] + (1 - b1) * g;
                    v[a, j] = b2 * v[a, j] + (1 - b2) * g * g;
                    var mh = m[a, j] / (1 - Math.Pow(b1, it));
                    var vh = v[a, j] / (1 - Math.Pow(b2, it));
                    w[a, j] -= lr * mh / (Math.Sqrt(vh) + eps);
                }
        }
        return w;
    }

    private static double[] Logits(double[] x, double[,] w)
    {
        int d = x.Length, k = w.GetLength(1);
        var z = new double[k];
        for (var j = 0; j < k; j++)
        {
            var s = w[d, j];
            for (var a = 0; a < d; a++) s += x[a] * w[a, j];
            z[j] = s;
        }
        return z;
    }

    private static void Softmax(double[] z)
    {
        var max = z.Max();
        double sum = 0;
        for (var j = 0; j < z.Length; j++) { z[j] = Math.Exp(z[j] - max); sum += z[j]; }
        for (var j = 0; j < z.Length; j++) z[j] /= sum;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static (double[] Mean, double[] Scale) Standardisation(IReadOnlyList<float[]> f)
    {
        var d = f[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        foreach (var r in f) for (var a = 0; a < d; a++) mean[a] += r[a] / (double)f.Count;
        foreach (var r in f) for (var a = 0; a < d; a++) scale[a] += (r[a] - mean[a]) * (r[a] - mean[a]) / f.Count;
        for (var a = 0; a < d; a++) scale[a] = Math.Sqrt(scale[a]) is var s && s > 1e-8 ? s : 1;
        return (mean, scale);
    }

    private static double[] Standardise(float[] f, double[] mean, double[] scale)
    {
        var x = new double[f.Length];
        for (var a = 0; a < f.Length; a++) x[a] = (f[a] - mean[a]) / scale[a];
        return x;
    }

    // ---- files ----

    private sealed record FileContent(string Content, int Version, string[] Styles, string[] Instruments, double[] Mean, double[] Scale, double[][] StyleWeights, double[][] InstrumentWeights, string Recipe);

    /// <summary>Saves the classifiers as JSON (atomically), with a note of what they were trained on.</summary>
    public void Save(string path, string recipe = "")
    {
        var c = new FileContent(Content, 1, Styles.ToArray(), Instruments.ToArray(), mean, scale, Rows(styleWeights), Rows(instrumentWeights), recipe);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(c));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Classifiers saved by <see cref="Save"/> and the recipe note; anything else is an <see cref="InvalidDataException"/>.</summary>
    public static (AttributeClassifiers Classifiers, string Recipe) Load(string path)
    {
        FileContent? c;
        try { c = JsonSerializer.Deserialize<FileContent>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not a classifiers file: {e.Message}", e); }
        if (c is null || c.Content != Content || c.Mean is null || c.Scale is null || c.StyleWeights is null || c.InstrumentWeights is null
            || c.Styles is null || c.Instruments is null || c.Mean.Length != c.Scale.Length
            || c.StyleWeights.Length != c.Mean.Length + 1 || c.InstrumentWeights.Length != c.Mean.Length + 1
            || c.StyleWeights.Any(r => r is null || r.Length != c.Styles.Length) || c.InstrumentWeights.Any(r => r is null || r.Length != c.Instruments.Length))
            throw new InvalidDataException($"{path} is not a classifiers file (content '{Content}' with consistent sizes)");
        return (new AttributeClassifiers(c.Styles, c.Instruments, c.Mean, c.Scale, Matrix(c.StyleWeights), Matrix(c.InstrumentWeights)), c.Recipe ?? "");
    }

    private static double[][] Rows(double[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray()).ToArray();

    private static double[,] Matrix(double[][] rows)
    {
        var m = new double[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++) for (var j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
