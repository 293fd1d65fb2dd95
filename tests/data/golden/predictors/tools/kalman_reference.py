# Plain-Python re-statement of the Python planner's KalmanPredictor (filterpy KalmanFilter, dim_x=2):
# x0=[z,0], P=1000 I, F=[[1,1],[0,1]], H=[1,0], Q=diag(q_level,q_trend), R=r; predict then update
# (Joseph form) per later point; forecast = level of F x.
import math
def mm(A,B): return [[sum(A[i][k]*B[k][j] for k in range(len(B))) for j in range(len(B[0]))] for i in range(len(A))]
def T(A): return [list(r) for r in zip(*A)]
def add(A,B): return [[A[i][j]+B[i][j] for j in range(len(A[0]))] for i in range(len(A))]
class KF:
    def __init__(s, ql=1.0, qt=0.1, r=10.0):
        s.x=[[0.0],[0.0]]; s.P=[[1000.0,0],[0,1000.0]]; s.F=[[1.0,1.0],[0.0,1.0]]; s.H=[[1.0,0.0]]
        s.R=[[max(1e-9,r)]]; s.Q=[[max(1e-12,ql),0],[0,max(1e-12,qt)]]; s.init=False; s.buf=[]; s.seen=False
    def predict(s):
        s.x=mm(s.F,s.x); s.P=add(mm(mm(s.F,s.P),T(s.F)),s.Q)
    def update(s,z):
        y=z-mm(s.H,s.x)[0][0]; PHT=mm(s.P,T(s.H)); S=mm(s.H,PHT)[0][0]+s.R[0][0]
        K=[[PHT[0][0]/S],[PHT[1][0]/S]]; s.x=[[s.x[0][0]+K[0][0]*y],[s.x[1][0]+K[1][0]*y]]
        IKH=add([[1,0],[0,1]],[[-K[0][0]*s.H[0][0],-K[0][0]*s.H[0][1]],[-K[1][0]*s.H[0][0],-K[1][0]*s.H[0][1]]])
        s.P=add(mm(mm(IKH,s.P),T(IKH)), mm(mm(K,s.R),T(K)))
    def add_point(s,v):
        if math.isnan(v): v=0.0
        if v==0 and not s.seen: return
        if v!=0: s.seen=True
        s.buf.append(v)
        if not s.init: s.x=[[v],[0.0]]; s.init=True
        else: s.predict(); s.update(v)
    def forecast(s):
        return s.x[0][0]+s.x[1][0]   # level of F x
cases = {
 "ramp": [10,12,15,13,18,20,22],
 "falling": [100,80,60,40,20,5],
 "zeros_nan": [0,0,5,float('nan'),7,9,11],
 "long60": [100+2*i+(i%3)*5 for i in range(60)],
}
for name,vals in cases.items():
    k=KF(); out=[]
    for v in vals:
        k.add_point(v); out.append(repr(k.forecast()))
    print(name, "forecasts:", ", ".join(out), "| P:", repr(k.P[0][0]), repr(k.P[0][1]), repr(k.P[1][1]))
k=KF(0.5,0.05,4.0)
for v in [3,5,4,8,9,12]: k.add_point(v)
print("custom", repr(k.forecast()))
