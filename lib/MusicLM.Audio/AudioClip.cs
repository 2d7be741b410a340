namespace MusicLM.Audio;

/// <summary>
/// Audio in memory: samples as float32 in [-1, 1], one row per channel (channels × frames), and the
/// sample rate. The unit every reader returns and every writer takes.
/// </summary>
public sealed record AudioClip
{
    public AudioClip(float[,] samples, int sampleRate)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be positive");
        if (samples.GetLength(0) == 0) throw new ArgumentException("audio needs at least one channel", nameof(samples));
        Samples = samples;
        SampleRate = sampleRate;
    }

    /// <summary>A mono clip.</summary>
    public AudioClip(float[] mono, int sampleRate) : this(ToRows(mono), sampleRate) { }

    /// <summary>channels × frames.</summary>
    public float[,] Samples { get; }
    public int SampleRate { get; }
    public int Channels => Samples.GetLength(0);
    public int Frames => Samples.GetLength(1);
    public double DurationSeconds => (double)Frames / SampleRate;

    /// <summary>The samples of one channel.</summary>
    public float[] Channel(int c)
    {
        if (c < 0 || c >= Channels) throw new ArgumentOutOfRangeException(nameof(c), c, $"this clip has {Channels} channel(s)");
        var r = new float[Frames];
        for (int i = 0; i < r.Length; i++) r[i] = Samples[c, i];
        return r;
    }

    private static float[,] ToRows(float[] mono)
    {
        var s = new float[1, mono.Length];
        for (int i = 0; i < mono.Length; i++) s[0, i] = mono[i];
        return s;
    }
}
