using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.nn;

/// <summary>
/// Batch normalisation over (B, C) or (B, C, T) (Ioffe &amp; Szegedy 2015). In training it normalises with
/// the batch's statistics and updates the buffers <c>running_mean</c>, <c>running_var</c> (exponential
/// average with <c>momentum</c>) and <c>num_batches_tracked</c>; in eval mode it uses the running statistics.
/// </summary>
public sealed class BatchNorm1d : Module<Tensor, Tensor>
{
    public Parameter? weight;
    public Parameter? bias;
    public Tensor? running_mean;
    public Tensor? running_var;
    public Tensor? num_batches_tracked;

    public long num_features { get; }
    public double eps { get; }
    public double momentum { get; }

    public BatchNorm1d(long num_features, double eps = 1e-5, double momentum = 0.1, bool affine = true, bool track_running_stats = true)
    {
        (this.num_features, this.eps, this.momentum) = (num_features, eps, momentum);
        if (affine)
        {
            weight = init.Constant(new[] { num_features }, 1);
            bias = init.Constant(new[] { num_features }, 0);
        }
        if (!track_running_stats) return;
        running_mean = torch.zeros(num_features).DetachFromDisposeScope();
        running_var = torch.ones(num_features).DetachFromDisposeScope();
        num_batches_tracked = torch.zeros(new long[0], ScalarType.Int64).DetachFromDisposeScope();
    }

    // (B, C) or (B, C, T) -> same shape
    public override Tensor forward(Tensor x)
    {
        if (training && num_batches_tracked is not null)
            using (torch.no_grad())
            using (var next = num_batches_tracked + 1L) // (the engine's in-place add_ of an integer tensor fails: alpha is passed as a double)
                num_batches_tracked.copy_(next);
        bool batchStats = training || running_mean is null;
        return F.batch_norm(x, running_mean, running_var, weight, bias, batchStats, momentum, eps);
    }

    protected override string ExtraRepr() => $"{num_features}, eps={eps}, momentum={momentum}, affine={weight is not null}, track_running_stats={running_mean is not null}";
}
