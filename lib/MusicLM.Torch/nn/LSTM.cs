using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// A multi-layer LSTM (Hochreiter &amp; Schmidhuber 1997), as PyTorch's <c>nn.LSTM</c>: per layer k the
/// parameters <c>weight_ih_l{k}</c> (4H, in), <c>weight_hh_l{k}</c> (4H, H), <c>bias_ih_l{k}</c> and
/// <c>bias_hh_l{k}</c> (4H), gates in the order input, forget, cell, output, all initialised U(±1/√H).
/// Inputs are (B, T, in) with <c>batch_first</c> (the default here, unlike PyTorch) or (T, B, in);
/// the state is (h, c), each (num_layers, B, H), zeros when not given.
/// </summary>
public sealed class LSTM : Module
{
    private readonly List<(string name, Parameter parameter)> weights = new();

    public long input_size { get; }
    public long hidden_size { get; }
    public long num_layers { get; }
    public bool batch_first { get; }
    /// <summary>Dropout on the outputs of every layer but the last, in training mode.</summary>
    public double dropout { get; }

    public LSTM(long input_size, long hidden_size, long num_layers = 1, bool batch_first = true, double dropout = 0)
    {
        if (num_layers < 1) throw new ArgumentOutOfRangeException(nameof(num_layers), num_layers, "an LSTM needs at least one layer");
        if (dropout < 0 || dropout > 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1]");
        (this.input_size, this.hidden_size, this.num_layers, this.batch_first, this.dropout) = (input_size, hidden_size, num_layers, batch_first, dropout);
        var bound = 1 / Math.Sqrt(hidden_size);
        for (long k = 0; k < num_layers; k++)
        {
            var inSize = k == 0 ? input_size : hidden_size;
            weights.Add(($"weight_ih_l{k}", init.Uniform(new[] { 4 * hidden_size, inSize }, bound)));
            weights.Add(($"weight_hh_l{k}", init.Uniform(new[] { 4 * hidden_size, hidden_size }, bound)));
            weights.Add(($"bias_ih_l{k}", init.Uniform(new[] { 4 * hidden_size }, bound)));
            weights.Add(($"bias_hh_l{k}", init.Uniform(new[] { 4 * hidden_size }, bound)));
        }
    }

    protected override IEnumerable<(string name, Parameter parameter)> ExtraParameters() => weights;

    /// <summary>Runs the sequence; returns the last layer's outputs (B, T, H) (or (T, B, H)) and the final (h, c).</summary>
    public (Tensor output, (Tensor h, Tensor c) state) forward(Tensor x, (Tensor h, Tensor c)? state = null)
    {
        var ws = weights.Select(w => (Tensor)w.parameter).ToList();
        if (batch_first)
        {
            var (y, h, c) = F.lstm(x, ws, num_layers, state, dropout, training); // (B, T, in) -> (B, T, H)
            return (y, (h, c));
        }
        using var xb = x.transpose(0, 1);                                         // (T, B, in) -> (B, T, in)
        var (yb, hb, cb) = F.lstm(xb, ws, num_layers, state, dropout, training);
        using (yb) return (yb.transpose(0, 1), (hb, cb));                         // (T, B, H)
    }

    /// <summary>Runs the sequence from a zero state (PyTorch's <c>lstm(x)</c>).</summary>
    public (Tensor output, (Tensor h, Tensor c) state) call(Tensor x, (Tensor h, Tensor c)? state = null) => forward(x, state);

    protected override string ExtraRepr() => $"{input_size}, {hidden_size}, num_layers={num_layers}, batch_first={batch_first}" + (dropout > 0 ? $", dropout={dropout}" : "");
}
