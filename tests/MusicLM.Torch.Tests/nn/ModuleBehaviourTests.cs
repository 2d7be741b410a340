using MusicLM.Torch.nn;
using MusicLM.Torch.optim;
using F = MusicLM.Torch.nn.functional;

namespace MusicLM.Torch.Tests;

public class ModuleBehaviourTests
{
    private sealed class Net : Module
    {
        public ModuleList<Sequential> layers = new(
            new Sequential(new Linear(3, 4), new Dropout(0.5)),
            new Sequential(new Linear(4, 2)));
        public BatchNorm1d bn = new(2);
        public LSTM lstm = new(2, 3);
    }

    [Fact]
    public void Module_lists_reach_their_items_for_parameters_modes_and_moves()
    {
        using var net = new Net();
        var names = net.named_parameters().Select(p => p.name).ToList();
        Assert.Contains("layers.0.0.weight", names);
        Assert.Contains("layers.1.0.bias", names);
        Assert.Contains("lstm.weight_hh_l0", names);
        Assert.Equal(4 * 3 + 4 + 4 * 2 + 2 + 2 + 2 + (12 * 2 + 12 * 3 + 12 + 12), net.num_parameters());

        net.eval();
        Assert.All(net.named_modules(), m => Assert.False(m.module.training));
        net.train();
        Assert.True(net.layers[0][1].training);

        net.to(ScalarType.Float64);
        Assert.All(net.parameters(), p => Assert.Equal(ScalarType.Float64, p.dtype));
        Assert.Equal(ScalarType.Float64, net.bn.running_mean!.dtype);
        Assert.Equal(ScalarType.Int64, net.bn.num_batches_tracked!.dtype);
    }

    [Fact]
    public void Moving_to_float64_keeps_the_parameter_objects_so_an_earlier_optimizer_still_updates_them()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Sequential(new Linear(3, 2), new Tanh(), new Linear(2, 1));
        var before = model.parameters().ToList();
        using var opt = new SGD(before, lr: 0.1, momentum: 0.9);
        model.to(ScalarType.Float64);
        var after = model.parameters().ToList();
        Assert.Equal(before.Count, after.Count);
        Assert.All(before.Zip(after), p => Assert.Same(p.First, p.Second));
        Assert.All(after, p => Assert.Equal(ScalarType.Float64, p.dtype));

        var w0 = ((Linear)model[0]).weight!.clone();
        var x = torch.randn(new long[] { 5, 3 }, ScalarType.Float64);
        model.forward(x).square().mean().backward();
        opt.step();
        Assert.Equal(ScalarType.Float64, ((Linear)model[0]).weight!.dtype);
        Assert.False(((Linear)model[0]).weight!.allclose(w0), "the optimizer made before the move updated the moved weight");
    }

    [Fact]
    public void Train_and_eval_toggle_dropout()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        using var model = new Sequential(new Identity(), new Dropout(0.5));
        var x = torch.ones(10_000);
        var y = model.forward(x);
        var zeros = y.eq(0.0).sum().item();
        Assert.InRange(zeros, 4_500, 5_500);
        Assert.Equal(20_000.0 - 2 * zeros, y.sum().item(), 6);                 // survivors scaled by 1/(1 − p) = 2
        model.eval();
        Assert.True(model.forward(x).equal(x));
        model.train();
        Assert.False(model.forward(x).equal(x));
    }

    [Fact]
    public void Load_state_dict_rejects_a_wrong_shape_with_a_clear_error_and_changes_nothing()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Sequential(new Linear(3, 4), new Linear(4, 2));
        var w0 = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var bad = model.state_dict().ToDictionary(kv => kv.Key, kv => torch.zeros_like(kv.Value));
        bad["1.weight"] = torch.zeros(2, 5);
        var e = Assert.Throws<ArgumentException>(() => model.load_state_dict(bad));
        Assert.Contains("'1.weight'", e.Message);
        Assert.Contains("[2, 5]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        Assert.All(model.state_dict(), kv => Assert.True(kv.Value.equal(w0[kv.Key]), $"{kv.Key} changed"));
    }

    [Fact]
    public void Clip_grad_norm_returns_the_total_norm_and_scales_gradients_to_max_norm()
    {
        using var scope = torch.NewDisposeScope();
        using var a = new Parameter(torch.zeros(2));
        using var b = new Parameter(torch.zeros(2));
        using var c = new Parameter(torch.zeros(3));                             // no gradient: skipped
        a.grad = torch.tensor(new float[] { 3, 4 });
        b.grad = torch.tensor(new float[] { 0, 12 });
        Assert.Equal(13.0, utils.clip_grad_norm_(new[] { a, b, c }, max_norm: 20), 5);
        Assert.Equal(new float[] { 3, 4 }, a.grad!.ToArray<float>());             // below max_norm: unchanged

        Assert.Equal(13.0, utils.clip_grad_norm_(new[] { a, b, c }, max_norm: 6.5), 5);
        Assert.True(a.grad!.allclose(torch.tensor(new float[] { 1.5f, 2f }), atol: 1e-5));
        Assert.True(b.grad!.allclose(torch.tensor(new float[] { 0f, 6f }), atol: 1e-5));
        var total = torch.cat(new[] { a.grad!, b.grad! }).norm().item();
        Assert.Equal(6.5, total, 4);

        Assert.Equal(6.0, utils.clip_grad_norm_(new[] { a, b }, max_norm: 100, norm_type: double.PositiveInfinity), 5);
    }

    [Fact]
    public void Sequential_and_module_list_print_their_children()
    {
        using var model = new Sequential(new Linear(3, 4), new GELU());
        var s = model.ToString();
        Assert.Contains("(0): Linear(in_features=3, out_features=4, bias=True)", s.Replace("True", "True"));
        Assert.Contains("(1): GELU(approximate='none')", s);
    }
}
