import { createContext, useContext, useEffect } from 'react';

import type { MenuItem } from '../components/MenuButton.tsx';

/** Extra items of the top bar's Add menu offered by the page in view (a project adds Quick Add and Bulk Add). */
export interface AddActions {
  readonly items: readonly MenuItem[];
  readonly setItems: (items: readonly MenuItem[]) => void;
}

export const AddActionsContext = createContext<AddActions>({ items: [], setItems: () => undefined });

export const useAddActions = (): readonly MenuItem[] => useContext(AddActionsContext).items;

/** Offers `items` in the top bar's Add menu while the calling page is shown. */
export function useOfferAddActions(items: readonly MenuItem[]): void {
  const { setItems } = useContext(AddActionsContext);
  useEffect(() => {
    setItems(items);
    return () => setItems([]);
  }, [items, setItems]);
}
