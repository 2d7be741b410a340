namespace MusicLM.Audio.Synthesis;

/// <summary>The timbre that plays an instrument (for drums, the piece named by the General MIDI pitch).</summary>
internal static class Timbres
{
    private static readonly ITimbre Piano = new PianoTimbre(), Guitar = new PluckedStringTimbre(), Organ = new OrganTimbre(),
        Strings = new StringPadTimbre(), Bass = new BassTimbre(), Bells = new FmBellTimbre(), Lead = new SawLeadTimbre(),
        Flute = new FluteTimbre(), Kick = new KickDrum(), Snare = new SnareDrum(), Closed = new HiHat(false), Open = new HiHat(true);

    public static ITimbre For(Instrument instrument, int pitch) => instrument switch
    {
        Instrument.Piano => Piano,
        Instrument.Guitar => Guitar,
        Instrument.Organ => Organ,
        Instrument.Strings => Strings,
        Instrument.Bass => Bass,
        Instrument.Bells => Bells,
        Instrument.SynthLead => Lead,
        Instrument.Flute => Flute,
        Instrument.Drums => pitch switch
        {
            InstrumentNames.Kick => Kick,
            InstrumentNames.Snare => Snare,
            InstrumentNames.ClosedHat => Closed,
            InstrumentNames.OpenHat => Open,
            _ => throw new ArgumentException($"no drum for General MIDI pitch {pitch}", nameof(pitch)),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(instrument), instrument, null),
    };
}
