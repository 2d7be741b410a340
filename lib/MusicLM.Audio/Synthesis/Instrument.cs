namespace MusicLM.Audio.Synthesis;

/// <summary>The synthetic dataset's timbres. Their ids in captions, attributes and note events come from <see cref="InstrumentNames"/>.</summary>
public enum Instrument
{
    /// <summary>Decaying, slightly inharmonic partials.</summary>
    Piano,
    /// <summary>Karplus–Strong plucked string.</summary>
    Guitar,
    /// <summary>Additive drawbar organ.</summary>
    Organ,
    /// <summary>Detuned saws, slow attack, low-pass.</summary>
    Strings,
    /// <summary>Sine + saw, low-passed.</summary>
    Bass,
    /// <summary>FM bell.</summary>
    Bells,
    /// <summary>Low-passed saw with vibrato.</summary>
    SynthLead,
    /// <summary>Sine + breath noise + vibrato.</summary>
    Flute,
    /// <summary>Kick, snare, closed and open hi-hats (General MIDI pitches 36, 38, 42, 46).</summary>
    Drums,
}
