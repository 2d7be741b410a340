namespace MusicLM.Audio.Tests.Analysis;

/// <summary>A few dozen test pieces spread over tempi 60–180, all 12 keys, both modes, 4/4 and 3/4, and every groove.</summary>
internal static class TestCorpus
{
    private static IReadOnlyList<TestMusic.Piece>? pieces;
    private static readonly object gate = new();

    public static IReadOnlyList<TestMusic.Piece> Pieces
    {
        get
        {
            lock (gate) return pieces ??= Build();
        }
    }

    private static IReadOnlyList<TestMusic.Piece> Build()
    {
        var grooves = new[] { Groove.Rock, Groove.Swing, Groove.HalfTime, Groove.Disco, Groove.None, Groove.Rock };
        var rng = new Random(1234);
        const int count = 36;
        var list = new TestMusic.Piece[count];
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            double bpm = 60 + 120.0 * i / (count - 1) + (i % 3 - 1) * 1.3;    // 60 … 180, not on round numbers
            int tonic = (i * 7) % 12;
            bool minor = i % 2 == 1;
            int meter = i % 4 == 3 ? 3 : 4;
            var groove = grooves[i % grooves.Length];
            list[i] = TestMusic.Make(bpm, tonic, minor, meter, groove, seed: 100 + i);
        });
        return list;
    }
}
