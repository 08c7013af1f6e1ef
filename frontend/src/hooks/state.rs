//! `use_state`: yew's hook of the same name, written once over values
//! behind `dyn Any`.
//!
//! yew's `use_state::<T>` is its reducer hook instantiated for each `T`
//! (the hook's slot, its handle, its dispatcher); here one reducer holds a
//! value of any type and only a thin handle is generic. Pages import this
//! one in place of the prelude's (`use crate::hooks::{use_state,
//! UseStateHandle}`); it behaves the same: `*handle` is the value, `set`
//! replaces it and renders again.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::rc::Rc;

use yew::prelude::{hook, use_reducer, Reducible, UseReducerHandle};

/// A value of any type, as the state's one reducer keeps it.
pub struct AnyValue(Rc<dyn Any>);

impl Reducible for AnyValue {
    type Action = Rc<dyn Any>;

    fn reduce(self: Rc<Self>, value: Rc<dyn Any>) -> Rc<Self> {
        Rc::new(AnyValue(value))
    }
}

/// The state of a [`use_state`]: dereferences to the value. Cheap to clone.
pub struct UseStateHandle<T> {
    inner: UseReducerHandle<AnyValue>,
    value: PhantomData<fn() -> T>,
}

impl<T: 'static> UseStateHandle<T> {
    /// Replaces the value and renders again.
    pub fn set(&self, value: T) {
        self.inner.dispatch(Rc::new(value));
    }
}

impl<T: 'static> Deref for UseStateHandle<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // Only this handle's `set` and `use_state`'s `init` store values in
        // this slot, both of type `T`.
        self.inner
            .0
            .downcast_ref::<T>()
            .expect("a state slot holds its handle's type")
    }
}

impl<T> Clone for UseStateHandle<T> {
    fn clone(&self) -> Self {
        UseStateHandle {
            inner: self.inner.clone(),
            value: PhantomData,
        }
    }
}

/// As yew's: two handles are equal when their values are.
impl<T: PartialEq + 'static> PartialEq for UseStateHandle<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: fmt::Debug + 'static> fmt::Debug for UseStateHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UseStateHandle").field(&**self).finish()
    }
}

/// A value kept across renders, `init` giving the first one.
#[hook]
pub fn use_state<T, F>(init: F) -> UseStateHandle<T>
where
    T: 'static,
    F: FnOnce() -> T,
{
    let inner = use_any_state(Box::new(move || Rc::new(init()) as Rc<dyn Any>));
    UseStateHandle {
        inner,
        value: PhantomData,
    }
}

/// The one body of [`use_state`], whatever the value's type.
#[hook]
fn use_any_state<'a>(init: Box<dyn FnOnce() -> Rc<dyn Any> + 'a>) -> UseReducerHandle<AnyValue> {
    use_reducer(move || AnyValue(init()))
}
