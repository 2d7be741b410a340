namespace MusicLM.Audio;

/// <summary>
/// Everyday edits on a clip, each returning a new clip: mix-down, crop and pad, gain, peak and
/// loudness normalisation. Extension methods, so a notebook can write <c>clip.ToMono().PadOrCrop(16000)</c>.
/// </summary>
public static class AudioEdit
{
    /// <summary>The average of all channels (a mono clip is returned as it is).</summary>
    public static AudioClip ToMono(this AudioClip clip)
    {
        if (clip.Channels == 1) return clip;
        var m = new float[clip.Frames];
        for (int i = 0; i < m.Length; i++)
        {
            double s = 0;
            for (int c = 0; c < clip.Channels; c++) s += clip.Samples[c, i];
            m[i] = (float)(s / clip.Channels);
        }
        return new AudioClip(m, clip.SampleRate);
    }

    /// <summary>Frames [<paramref name="start"/>, start + <paramref name="frames"/>); both must lie inside the clip.</summary>
    public static AudioClip Crop(this AudioClip clip, int start, int frames)
    {
        if (start < 0 || start > clip.Frames) throw new ArgumentOutOfRangeException(nameof(start), start, $"the clip has {clip.Frames} frames");
        if (frames < 0 || start + (long)frames > clip.Frames) throw new ArgumentOutOfRangeException(nameof(frames), frames, $"the clip has {clip.Frames - start} frames after {start}");
        return Slice(clip, start, frames);
    }

    /// <summary><see cref="Crop(AudioClip, int, int)"/> in seconds (rounded to the nearest frame).</summary>
    public static AudioClip CropSeconds(this AudioClip clip, double startSeconds, double durationSeconds) =>
        clip.Crop(ToFrames(startSeconds, clip.SampleRate), ToFrames(durationSeconds, clip.SampleRate));

    /// <summary>Exactly <paramref name="frames"/> long: cut at the end, or padded with silence at the end.</summary>
    public static AudioClip PadOrCrop(this AudioClip clip, int frames)
    {
        if (frames < 0) throw new ArgumentOutOfRangeException(nameof(frames), frames, "a length cannot be negative");
        return Slice(clip, 0, frames);
    }

    /// <summary><see cref="PadOrCrop(AudioClip, int)"/> in seconds.</summary>
    public static AudioClip PadOrCropSeconds(this AudioClip clip, double seconds) => clip.PadOrCrop(ToFrames(seconds, clip.SampleRate));

    /// <summary>Multiplies every sample by 10^(<paramref name="db"/>/20).</summary>
    public static AudioClip Gain(this AudioClip clip, double db) => Scale(clip, Math.Pow(10, db / 20));

    /// <summary>Scales the clip so its largest absolute sample is <paramref name="targetDbfs"/> (0 dBFS = 1.0). Silence stays silent.</summary>
    public static AudioClip NormalizePeak(this AudioClip clip, double targetDbfs = -1.0)
    {
        double peak = Loudness.Peak(clip);
        return peak == 0 || double.IsNaN(peak) ? clip : Scale(clip, Math.Pow(10, targetDbfs / 20) / peak);
    }

    /// <summary>
    /// Scales the clip to an integrated loudness of <paramref name="targetLufs"/> (ITU-R BS.1770, see
    /// <see cref="Loudness.IntegratedLufs"/>; −23 LUFS is EBU R 128's broadcast target, −14 what streaming services use).
    /// Peaks may exceed full scale: follow with <see cref="NormalizePeak"/> or a limiter if that matters.
    /// Clips too short or too quiet to measure (−∞ LUFS) are returned unchanged.
    /// </summary>
    public static AudioClip NormalizeLoudness(this AudioClip clip, double targetLufs = -23.0)
    {
        double now = Loudness.IntegratedLufs(clip);
        return double.IsFinite(now) ? clip.Gain(targetLufs - now) : clip;
    }

    private static AudioClip Scale(AudioClip clip, double gain)
    {
        var s = new float[clip.Channels, clip.Frames];
        for (int c = 0; c < clip.Channels; c++)
            for (int i = 0; i < clip.Frames; i++) s[c, i] = (float)(clip.Samples[c, i] * gain);
        return new AudioClip(s, clip.SampleRate);
    }

    private static AudioClip Slice(AudioClip clip, int start, int frames)
    {
        var s = new float[clip.Channels, frames];
        int n = Math.Max(0, Math.Min(frames, clip.Frames - start));
        for (int c = 0; c < clip.Channels; c++)
            Array.Copy(clip.Samples, (long)c * clip.Frames + start, s, (long)c * frames, n);
        return new AudioClip(s, clip.SampleRate);
    }

    private static int ToFrames(double seconds, int rate)
    {
        if (double.IsNaN(seconds) || seconds < 0) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "times must be non-negative");
        return checked((int)Math.Round(seconds * rate));
    }
}
