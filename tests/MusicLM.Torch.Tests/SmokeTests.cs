using MusicLM.Torch;

namespace MusicLM.Torch.Tests;

public class SmokeTests
{
    [Fact]
    public void Sum_of_a_small_matrix_matches_hand_computation()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal(new float[] { 6, 15 }, a.sum(1).ToArray<float>());
    }

    [Fact]
    public void A_shape_mismatch_is_a_TorchException_and_the_process_keeps_working()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(2, 3);
        var e = Assert.Throws<TorchException>(() => a.matmul(a));
        Assert.Contains("cannot be multiplied", e.Message);
        Assert.Equal(6.0, a.sum().item());
    }
}
