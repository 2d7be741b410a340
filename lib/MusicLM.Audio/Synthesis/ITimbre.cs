namespace MusicLM.Audio.Synthesis;

/// <summary>
/// A sound: renders one note into <c>dst</c> (cleared; length = gate + release, shorter at the end of a clip).
/// The renderer then applies the attack ramp and the release ramp after the gate, so no note clicks.
/// </summary>
internal interface ITimbre
{
    double AttackS { get; }
    double ReleaseS { get; }
    void Render(Span<float> dst, int gate, int midi, float velocity, int sampleRate, ref Noise noise);
}
