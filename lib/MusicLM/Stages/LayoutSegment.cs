namespace MusicLM.Stages;

/// <summary>One row of <see cref="TokenLayout.Describe"/>: a contiguous run of the sequence that holds one segment.</summary>
/// <param name="Segment">"conditioning", "semantic", "coarse" or "fine".</param>
/// <param name="Role">"prefix" (given) or "target" (generated; the loss is taken here).</param>
/// <param name="First">First sequence index.</param>
/// <param name="Last">Last sequence index.</param>
/// <param name="Tokens">Number of indices.</param>
/// <param name="Vocabulary">The vocabulary ranges its tokens come from.</param>
/// <param name="Positions">The span of rotary positions.</param>
/// <param name="Time">The frames of the window it covers.</param>
public sealed record LayoutSegment(string Segment, string Role, int First, int Last, int Tokens, string Vocabulary, string Positions, string Time);
