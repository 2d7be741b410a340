using MusicLM.Torch.nn;
using MusicLM.Torch.optim;

namespace MusicLM.Torch.Tests;

public class OptimizerTests
{
    // Loss with a non-trivial gradient: Σ sin(p1)·w1 + Σ p2²·w2.
    private static Tensor Loss(Parameter p1, Parameter p2, Tensor w1, Tensor w2)
    {
        using var a = p1.sin();
        using var b = a * w1;
        using var c = b.sum();
        using var d = p2.square();
        using var e = d * w2;
        using var f = e.sum();
        return c + f;
    }

    private static Optimizer Make(string kind, Parameter[] ps) => kind switch
    {
        "adamw" => new AdamW(ps, lr: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1),
        "adam" => new Adam(ps, lr: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1),
        "sgd" => new SGD(ps, lr: 0.1, momentum: 0.9, dampening: 0.2, weight_decay: 0.05),
        "sgd_nesterov" => new SGD(ps, lr: 0.1, momentum: 0.9, nesterov: true),
        _ => throw new ArgumentException(kind),
    };

    private const string PythonMake = """
        kind = 'KIND'
        if kind == 'adamw': opt = torch.optim.AdamW([p1, p2], lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
        if kind == 'adam': opt = torch.optim.Adam([p1, p2], lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)
        if kind == 'sgd': opt = torch.optim.SGD([p1, p2], lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.05)
        if kind == 'sgd_nesterov': opt = torch.optim.SGD([p1, p2], lr=0.1, momentum=0.9, nesterov=True)
        """;

    [Theory]
    [InlineData("adamw")]
    [InlineData("adam")]
    [InlineData("sgd")]
    [InlineData("sgd_nesterov")]
    public void Three_steps_match_torch_optim_in_float64(string kind)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var p1 = new Parameter(torch.randn(new long[] { 3, 2 }, ScalarType.Float64));
        var p2 = new Parameter(torch.randn(new long[] { 4 }, ScalarType.Float64));
        var w1 = torch.randn(new long[] { 3, 2 }, ScalarType.Float64);
        var w2 = torch.randn(new long[] { 4 }, ScalarType.Float64);
        var inputs = new Dictionary<string, Tensor> { ["p1"] = p1.detach().clone(), ["p2"] = p2.detach().clone(), ["w1"] = w1, ["w2"] = w2 };
        var (py, _) = PythonTorch.Run("""
            p1 = load('p1').requires_grad_(); p2 = load('p2').requires_grad_()
            w1 = load('w1'); w2 = load('w2')
            """ + "\n" + PythonMake.Replace("KIND", kind) + "\n" + """
            for _ in range(3):
                opt.zero_grad()
                loss = (p1.sin() * w1).sum() + (p2 ** 2 * w2).sum()
                loss.backward()
                opt.step()
            save('p1', p1); save('p2', p2)
            """, inputs);

        using (p1) using (p2)
        using (var opt = Make(kind, new[] { p1, p2 }))
        {
            for (int i = 0; i < 3; i++)
            {
                opt.zero_grad();
                using var loss = Loss(p1, p2, w1, w2);
                loss.backward();
                opt.step();
            }
            Assert.True(p1.allclose(py["p1"], rtol: 0, atol: 1e-6), $"p1 {p1} vs PyTorch {py["p1"]}");
            Assert.True(p2.allclose(py["p2"], rtol: 0, atol: 1e-6), $"p2 {p2} vs PyTorch {py["p2"]}");
            // Not vacuous: the parameters moved.
            Assert.False(p1.allclose(inputs["p1"], rtol: 0, atol: 1e-3));
        }
    }

    [Fact]
    public void State_dict_names_the_moments_and_resuming_from_it_continues_identically()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var init1 = torch.randn(new long[] { 3, 2 }, ScalarType.Float64);
        var init2 = torch.randn(new long[] { 4 }, ScalarType.Float64);
        var w1 = torch.randn(new long[] { 3, 2 }, ScalarType.Float64);
        var w2 = torch.randn(new long[] { 4 }, ScalarType.Float64);
        using var a1 = new Parameter(init1); using var a2 = new Parameter(init2);
        using var optA = new AdamW(new[] { a1, a2 }, lr: 0.05);
        for (int i = 0; i < 2; i++) { optA.zero_grad(); Loss(a1, a2, w1, w2).backward(); optA.step(); }

        var sd = optA.state_dict();
        Assert.Equal(new[] { "beta1", "beta2", "eps", "lr", "state.0.exp_avg", "state.0.exp_avg_sq", "state.1.exp_avg", "state.1.exp_avg_sq", "step", "weight_decay" },
            sd.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(2.0, sd["step"].item());
        Assert.Equal(ScalarType.Float64, sd["lr"].dtype);
        Assert.Equal(0, sd["lr"].dim());

        // A second optimizer on a copy of the parameters, resumed from the dict, takes the same third step.
        using var b1 = new Parameter(a1.detach().clone()); using var b2 = new Parameter(a2.detach().clone());
        using var optB = new AdamW(new[] { b1, b2 }, lr: 1.0, weight_decay: 0.5);
        optB.load_state_dict(sd);
        Assert.Equal(0.05, optB.lr);
        Assert.Equal(0.01, ((Adam)optB).weight_decay);
        optA.zero_grad(); Loss(a1, a2, w1, w2).backward(); optA.step();
        optB.zero_grad(); Loss(b1, b2, w1, w2).backward(); optB.step();
        Assert.True(a1.allclose(b1, rtol: 0, atol: 1e-12));
        Assert.True(a2.allclose(b2, rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void Load_state_dict_rejects_a_wrong_shape_and_changes_nothing()
    {
        using var scope = torch.NewDisposeScope();
        using var p = new Parameter(torch.ones(3));
        using var opt = new SGD(new[] { p }, lr: 0.1, momentum: 0.9);
        p.grad = torch.ones(3);
        opt.step();
        var sd = new Dictionary<string, Tensor>(opt.state_dict())
        {
            ["state.0.momentum_buffer"] = torch.zeros(4),
            ["lr"] = torch.tensor(7.0, ScalarType.Float64),
        };
        var e = Assert.Throws<ArgumentException>(() => opt.load_state_dict(sd));
        Assert.Contains("state.0.momentum_buffer", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Contains("[3]", e.Message);
        Assert.Equal(0.1, opt.lr);

        sd["state.0.momentum_buffer"] = torch.zeros(3);
        sd["state.0.exp_avg"] = torch.zeros(3);
        e = Assert.Throws<ArgumentException>(() => opt.load_state_dict(sd));
        Assert.Contains("no state 'exp_avg'", e.Message);
        Assert.Equal(0.1, opt.lr);
    }

    [Fact]
    public void State_follows_the_parameters_when_the_model_moves_between_steps()
    {
        using var scope = torch.NewDisposeScope();
        using var model = new Linear(3, 1);
        using var opt = new AdamW(model.parameters(), lr: 0.01);
        model.forward(torch.randn(4, 3)).sum().backward();
        opt.step();
        model.to(ScalarType.Float64);
        opt.zero_grad();
        model.forward(torch.randn(new long[] { 4, 3 }, ScalarType.Float64)).sum().backward();
        opt.step();
        Assert.Equal(ScalarType.Float64, opt.state_dict()["state.0.exp_avg"].dtype);
        Assert.Equal(2.0, opt.state_dict()["step"].item());
    }

    [Fact]
    public void Zero_grad_sets_gradients_to_none()
    {
        using var p = new Parameter(torch.ones(2));
        using var opt = new SGD(new[] { p }, lr: 0.1);
        using (var g = torch.ones(2)) p.grad = g;
        Assert.NotNull(p.grad);
        opt.zero_grad();
        Assert.Null(p.grad);
    }
}
