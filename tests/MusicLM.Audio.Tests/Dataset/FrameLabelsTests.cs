using MusicLM.Audio.Dataset;
using MusicLM.Audio.Synthesis;

namespace MusicLM.Audio.Tests.Dataset;

public sealed class FrameLabelsTests
{
    // 120 bpm in 4/4: a beat is 0.5 s, a bar 2 s; at 25 Hz a bar is 50 frames.
    private static NoteEvent Note(double onset, double duration, int pitch, string instrument, string part) =>
        new(onset, duration, pitch, 90, instrument, part);

    private static List<NoteEvent> TwoBarsInC() =>
    [
        // bar 0: C major triad in first inversion (E G C): the root is still C.
        Note(0.0, 2.0, 64, "piano", "chords"), Note(0.0, 2.0, 67, "piano", "chords"), Note(0.0, 2.0, 72, "piano", "chords"),
        // bar 1: a G7 arpeggio, one chord tone at a time, the first a little early (humanised).
        Note(1.97, 0.5, 67, "piano", "chords"), Note(2.5, 0.5, 71, "piano", "chords"),
        Note(3.0, 0.5, 74, "piano", "chords"), Note(3.5, 0.5, 77, "piano", "chords"),
        Note(0.0, 0.1, 36, "drums", "drums"), Note(1.0, 1.0, 48, "bass", "bass"),
    ];

    [Fact]
    public void Chord_roots_come_from_each_bars_stacked_thirds_not_its_lowest_note()
    {
        var labels = FrameLabels.Of(TwoBarsInC(), "C", "major", 120, 4, "jazz", frames: 100);
        var roots = labels[FrameLabelKind.ChordRoot];
        Assert.All(roots.Take(50), r => Assert.Equal(0, r));   // C, though E is the lowest note
        Assert.All(roots.Skip(50), r => Assert.Equal(7, r));   // G7 from its arpeggio
    }

    [Fact]
    public void A_minor_key_maps_degrees_through_the_minor_scale()
    {
        // A minor: A C E is i. In first inversion again.
        var notes = new List<NoteEvent> { Note(0, 2, 60, "organ", "pad"), Note(0, 2, 64, "organ", "pad"), Note(0, 2, 69, "organ", "pad") };
        var labels = FrameLabels.Of(notes, "A", "minor", 120, 4, "ballad", frames: 50);
        Assert.All(labels[FrameLabelKind.ChordRoot], r => Assert.Equal(9, r));
        Assert.Equal(12, FrameLabels.Of(notes, "A", "minor", 120, 4, "ballad", frames: 75)[FrameLabelKind.ChordRoot][60]);
    }

    [Fact]
    public void Pitch_classes_and_instruments_are_what_sounds_at_the_frames_middle()
    {
        var labels = FrameLabels.Of(TwoBarsInC(), "C", "major", 120, 4, "jazz", frames: 100);
        var pcs = labels[FrameLabelKind.PitchClasses];
        var inst = labels[FrameLabelKind.Instruments];
        int piano = 1 << (int)Instrument.Piano, drums = 1 << (int)Instrument.Drums, bass = 1 << (int)Instrument.Bass;
        // Frame 0 is t = 0.02 s: the triad and the kick (whose pitch is a drum number, not a pitch class).
        Assert.Equal((1 << 0) | (1 << 4) | (1 << 7), pcs[0]);
        Assert.Equal(piano | drums, inst[0]);
        // Frame 3 is t = 0.14 s: the kick has ended.
        Assert.Equal(piano, inst[3]);
        // Frame 30 is t = 1.22 s: triad and the bass C.
        Assert.Equal(piano | bass, inst[30]);
        // Frame 62 is t = 2.5 s: only the B of the arpeggio (the G ended at 2.47 s, the bass at 2 s).
        Assert.Equal(1 << 11, pcs[62]);
        Assert.Equal(piano, inst[62]);
    }

    [Fact]
    public void Beat_phase_counts_quarters_of_each_beat()
    {
        var labels = FrameLabels.Of(TwoBarsInC(), "C", "major", 120, 4, "jazz", frames: 100);
        var phase = labels[FrameLabelKind.BeatPhase];
        // A beat is 12.5 frames; frame f sits at (f + 0.5) / 25 s.
        Assert.Equal(0, phase[0]);   // 0.02 s
        Assert.Equal(1, phase[3]);   // 0.14 s: 0.28 of a beat
        Assert.Equal(2, phase[6]);   // 0.26 s: 0.52
        Assert.Equal(3, phase[10]);  // 0.42 s: 0.84
        Assert.Equal(0, phase[13]);  // 0.54 s: the next beat
        Assert.Equal(4, labels.ClassCount(FrameLabelKind.BeatPhase));
    }

    [Fact]
    public void A_generated_clip_has_its_progressions_roots_bar_by_bar()
    {
        var clip = SyntheticMusic.Generate(seed: 42, sampleRate: 16000, durationS: 8);
        var spec = clip.Score.Spec;
        var labels = FrameLabels.Of(clip, frames: 200);
        var degrees = Progression.Named(spec.Progression).Degrees;
        var scale = MusicTheory.Scale(spec.Mode);
        double barS = 60.0 / spec.TempoBpm * spec.BeatsPerBar;
        for (int f = 0; f < 200; f += 7)
        {
            int bar = (int)Math.Floor((f + 0.5) / 25 / barS);
            int degree = degrees[bar % degrees.Count];
            Assert.Equal((spec.Key + scale[degree % 7]) % 12, labels[FrameLabelKind.ChordRoot][f]);
        }
        Assert.All(labels[FrameLabelKind.Style], s => Assert.Equal(spec.Style, MusicStyle.All[s].Name));
        Assert.Equal(200, labels.Frames);
    }

    [Fact]
    public void A_dataset_clip_on_disk_gives_the_same_labels_as_in_memory()
    {
        var dir = Directory.CreateTempSubdirectory("frame-labels-").FullName;
        try
        {
            SyntheticDataset.Create(dir, count: 1, seed: 5, sampleRate: 16000, durationS: 4);
            var entry = Manifest.Read(Path.Combine(dir, SyntheticDataset.ManifestFile))[0];
            var onDisk = FrameLabels.Of(entry, dir, frames: 100);
            var inMemory = FrameLabels.Of(SyntheticMusic.Generate(ClipSpecFor(entry)), frames: 100);
            foreach (var kind in Enum.GetValues<FrameLabelKind>())
                Assert.Equal(inMemory[kind], onDisk[kind]);
            Assert.Throws<InvalidDataException>(() => FrameLabels.Of(entry with { Notes = null }, dir, 100));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ClipSpec ClipSpecFor(ManifestEntry entry) => ClipSpec.Random(entry.Seed!.Value, entry.SampleRate, entry.DurationS);

    [Fact]
    public void Bad_arguments_are_refused_clearly()
    {
        var notes = TwoBarsInC();
        Assert.Throws<ArgumentException>(() => FrameLabels.Of(notes, "H", "major", 120, 4, "jazz", 10));
        Assert.Throws<ArgumentException>(() => FrameLabels.Of(notes, "C", "dorian", 120, 4, "jazz", 10));
        Assert.Throws<ArgumentException>(() => FrameLabels.Of(notes, "C", "major", 120, 4, "polka", 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameLabels.Of(notes, "C", "major", 0, 4, "jazz", 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameLabels.Of(notes, "C", "major", 120, 4, "jazz", -1));
        Assert.Equal(0, FrameLabels.Of(notes, "C", "major", 120, 4, "jazz", 0).Frames);
    }
}
