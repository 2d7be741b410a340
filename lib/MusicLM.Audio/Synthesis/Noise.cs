namespace MusicLM.Audio.Synthesis;

/// <summary>xorshift32 white noise in [-1, 1): fast and deterministic, for breath, plucks and drums.</summary>
internal struct Noise
{
    private uint _s;

    public Noise(long seed) => _s = (uint)(seed ^ (seed >> 32)) | 1u;

    public float Next()
    {
        _s ^= _s << 13;
        _s ^= _s >> 17;
        _s ^= _s << 5;
        return (int)_s * (1f / 2147483648f);
    }
}
