namespace MusicLM.Audio.Synthesis;

/// <summary>
/// The synthetic captioned music generator (DESIGN D7): a spec becomes notes (composition), notes become
/// audio (synthesis and mixing), and attributes become a caption. Deterministic: same spec, same bits.
/// </summary>
public static class SyntheticMusic
{
    /// <summary>Composes, captions and renders one clip.</summary>
    public static SynthesizedClip Generate(ClipSpec spec)
    {
        var score = Compose(spec);
        return new SynthesizedClip(Render(score), score.Attributes, score.Notes, score.Caption, score);
    }

    /// <summary>A random clip of the style distribution (<see cref="ClipSpec.Random"/>).</summary>
    public static SynthesizedClip Generate(long seed, int sampleRate = 24000, double durationS = 10, bool stereo = false) =>
        Generate(ClipSpec.Random(seed, sampleRate, durationS, stereo));

    /// <summary>Notes, attributes and caption without audio (cheap: what a resumed dataset run needs for skipped clips).</summary>
    public static ClipScore Compose(ClipSpec spec)
    {
        spec.Validate();
        var notes = Composer.Compose(spec);
        var attributes = new ClipAttributes(spec.InstrumentIds(), spec.TempoBpm, spec.KeyName, spec.Mode, spec.Meter, spec.Style, spec.Mood);
        var (caption, template) = CaptionWriter.Write(attributes, new Rng(Rng.Derive(spec.Seed, 0xCA)));
        return new ClipScore(spec, attributes, notes, caption, template);
    }

    public static AudioClip Render(ClipScore score) => Renderer.Render(score.Spec, score.Notes);

    /// <summary>One note of one instrument, unmixed and unnormalised (peak-normalised to 0.5): to hear and compare timbres.</summary>
    public static float[] RenderNote(Instrument instrument, int pitch, double durationS, int velocity = 100, int sampleRate = 24000, long seed = 0)
    {
        if (sampleRate < 8000) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "at least 8000 Hz");
        if (velocity is < 1 or > 127) throw new ArgumentOutOfRangeException(nameof(velocity), velocity, "MIDI velocity 1–127");
        var timbre = Timbres.For(instrument, pitch);
        int gate = Math.Max(1, (int)Math.Round(durationS * sampleRate)), release = Math.Max(1, (int)(timbre.ReleaseS * sampleRate));
        var x = new float[gate + release];
        var noise = new Noise(Rng.Derive(seed, pitch));
        timbre.Render(x, gate, pitch, velocity / 127f, sampleRate, ref noise);
        int attack = Math.Max(1, Math.Min((int)(timbre.AttackS * sampleRate), gate));
        for (int i = 0; i < attack; i++) x[i] *= (float)i / attack;
        for (int i = gate; i < x.Length; i++) x[i] *= 1f - (float)(i - gate) / release;
        float peak = x.Max(MathF.Abs);
        if (peak > 0) for (int i = 0; i < x.Length; i++) x[i] *= 0.5f / peak;
        return x;
    }
}
