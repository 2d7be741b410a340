using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// Normalises (B, C, ...) over groups of C/num_groups channels and all positions (Wu &amp; He 2018), then
/// applies a per-channel <c>weight</c> (init 1) and <c>bias</c> (init 0). One group is EnCodec's "time group norm".
/// </summary>
public sealed class GroupNorm : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;

    public long num_groups { get; }
    public long num_channels { get; }
    public double eps { get; }

    public GroupNorm(long num_groups, long num_channels, double eps = 1e-5, bool affine = true)
    {
        if (num_channels % num_groups != 0) throw new ArgumentException($"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})");
        (this.num_groups, this.num_channels, this.eps) = (num_groups, num_channels, eps);
        if (!affine) return;
        weight = init.Constant(new[] { num_channels }, 1);
        bias = init.Constant(new[] { num_channels }, 0);
    }

    // (B, C, ...) -> same shape
    public override Tensor forward(Tensor x) => F.group_norm(x, num_groups, weight, bias, eps);

    protected override string ExtraRepr() => $"{num_groups}, {num_channels}, eps={eps}, affine={weight is not null}";
}
